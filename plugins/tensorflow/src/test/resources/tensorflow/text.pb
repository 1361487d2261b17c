node { name: "x" op: "Placeholder" }

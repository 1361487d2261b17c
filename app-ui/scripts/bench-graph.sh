#!/usr/bin/env bash
# Graph view benchmark: open + ELK layout of DenseNet-shaped graphs, and frame times while panning a
# ~5,000-node graph under headless Monocle (software rendering). Usage: app-ui/scripts/bench-graph.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -pl app-ui -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt -Dedgewise.agent.skip=true
cp="app-ui/target/test-classes:app-ui/target/classes:$(cat app-ui/target/test-classpath.txt)"
java -Xmx3g -cp "$cp" \
  -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dheadless.geometry=1600x1000-32 \
  -Djava.awt.headless=true \
  dev.edgewise.app.gui.bench.GraphViewBench

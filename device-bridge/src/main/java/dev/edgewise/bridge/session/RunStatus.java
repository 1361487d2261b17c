package dev.edgewise.bridge.session;

/** How a run ended. Only COMPLETED results carry full statistics; the others keep what was measured. */
public enum RunStatus {
    COMPLETED,
    CANCELLED,
    FAILED
}

package dev.edgewise.core.analysis.cost;

/**
 * Raised inside a counter when a figure it needs (a shape, an attribute) is not known. Caught per
 * layer: the layer becomes unresolved with this message as its note, never a crash.
 */
final class UnresolvedException extends RuntimeException {
    UnresolvedException(String message) {
        super(message, null, false, false);
    }
}

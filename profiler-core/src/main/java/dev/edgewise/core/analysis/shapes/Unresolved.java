package dev.edgewise.core.analysis.shapes;

/**
 * Thrown by a shape rule when a layer's output cannot be derived (an input of unknown rank, a
 * shape operand that is not a constant). The driver turns it into a per-layer warning and leaves
 * the outputs unknown; it never reaches the user as an error.
 */
public final class Unresolved extends RuntimeException {
    public Unresolved(String why) {
        super(why, null, false, false);
    }
}

package dev.edgewise.core.analysis.shapes;

/**
 * Thrown by a shape rule when the model itself is wrong: inference produced a negative or absurd
 * dimension. The driver reports it as an INVALID_DIMENSION error naming the layer.
 */
public final class InvalidDimension extends RuntimeException {
    public InvalidDimension(String why) {
        super(why, null, false, false);
    }
}

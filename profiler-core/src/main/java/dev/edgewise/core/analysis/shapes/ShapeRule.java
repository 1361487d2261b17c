package dev.edgewise.core.analysis.shapes;

/** Derives the types, shapes and (for small tensors) values of one op's outputs. */
@FunctionalInterface
public interface ShapeRule {
    void infer(OpContext ctx);
}

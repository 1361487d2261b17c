package dev.edgewise.core.ir;

import java.util.Objects;

/** A named value of the graph with its element type and shape. Immutable. */
public record TensorInfo(String name, DataType dataType, Shape shape) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        dataType = dataType == null ? DataType.UNDEFINED : dataType;
        shape = shape == null ? Shape.unknownRank() : shape;
    }

    public TensorInfo withShape(Shape newShape) {
        return new TensorInfo(name, dataType, newShape);
    }

    public TensorInfo withDataType(DataType type) {
        return new TensorInfo(name, type, shape);
    }

    /** Bytes of the whole tensor, or -1 when the shape or type size is not known. */
    public long byteSize() {
        var n = shape.numElements();
        if (n.isEmpty() || dataType.bits() == 0) {
            return -1;
        }
        return dataType.bytesFor(n.getAsLong());
    }
}

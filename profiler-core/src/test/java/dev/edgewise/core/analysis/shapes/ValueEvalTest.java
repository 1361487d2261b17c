package dev.edgewise.core.analysis.shapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Integer semantics and symbolic elements of the small-value evaluator. */
class ValueEvalTest {
    private static Value ints(long... v) {
        return Value.ofInts(DataType.INT64, new long[] {v.length}, v);
    }

    @Test
    void integerDivisionTruncatesAndModFollowsTheDivisorSign() {
        Value a = ints(7, -7, 7, -7);
        Value b = ints(2, 2, -2, -2);
        assertThat(ValueEval.binary("Div", a, b, DataType.INT64, false).longs()).containsExactly(3, -3, -3, 3);
        assertThat(ValueEval.binary("Mod", a, b, DataType.INT64, false).longs()).containsExactly(1, 1, -1, -1);
        assertThat(ValueEval.binary("Mod", a, b, DataType.INT64, true).longs()).containsExactly(1, -1, 1, -1);
        assertThatThrownBy(() -> ValueEval.binary("Div", a, ints(0), DataType.INT64, false))
            .isInstanceOf(Unresolved.class).hasMessageContaining("division by zero");
    }

    @Test
    void symbolsSurviveIdentitiesAndBecomeUnknownOtherwise() {
        Value shape = Value.ofDims(DataType.INT64, List.of(Dim.symbol("N"), Dim.of(8)));
        Value same = ValueEval.binary("Mul", shape, ints(1, 2), DataType.INT64, false);
        assertThat(same.dimAt(0)).isEqualTo(Dim.symbol("N"));
        assertThat(same.longAt(1)).isEqualTo(16);
        Value doubled = ValueEval.binary("Mul", shape, ints(2, 2), DataType.INT64, false);
        assertThat(doubled.dimAt(0).isKnown() || doubled.dimAt(0).isSymbolic()).isFalse();
        assertThat(ValueEval.binary("Equal", shape, ints(-1), DataType.BOOL, false).longs()).containsExactly(0, 0);
        assertThat(ValueEval.binary("Less", ints(-1), shape, DataType.BOOL, false).longs()).containsExactly(1, 1);
    }

    @Test
    void broadcastingAndFloat32Rounding() {
        Value col = Value.ofInts(DataType.INT64, new long[] {2, 1}, new long[] {1, 2});
        Value row = Value.ofInts(DataType.INT64, new long[] {3}, new long[] {10, 20, 30});
        Value sum = ValueEval.binary("Add", col, row, DataType.INT64, false);
        assertThat(sum.shapeAsShape()).isEqualTo(Shape.of(2, 3));
        assertThat(sum.longs()).containsExactly(11, 21, 31, 12, 22, 32);
        Value f = Value.ofFloats(DataType.FLOAT, new long[0], new double[] {0.1});
        Value scaled = ValueEval.binary("Mul", f, Value.ofFloats(DataType.FLOAT, new long[0], new double[] {3}),
            DataType.FLOAT, false);
        assertThat(scaled.doubleAt(0)).isEqualTo((double) (float) (0.1 * 3));
    }

    @Test
    void broadcastOfShapesKeepsSymbolsAndRejectsMismatches() {
        assertThat(DimMath.broadcast(Shape.parse("Nx1x5"), Shape.parse("3x1"))).isEqualTo(Shape.parse("Nx3x5"));
        assertThat(DimMath.broadcast(Shape.parse("N"), Shape.parse("M")).dim(0).isKnown()).isFalse();
        assertThatThrownBy(() -> DimMath.broadcast(Shape.of(3), Shape.of(4))).isInstanceOf(Unresolved.class);
    }
}

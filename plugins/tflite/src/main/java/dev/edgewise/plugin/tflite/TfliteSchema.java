package dev.edgewise.plugin.tflite;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;

/**
 * Hand-written accessors for the tables of TensorFlow Lite's published schema (schema.fbs) that
 * Edgewise reads, over the flatbuffers-java {@link Table} API. Field {@code i} of a table sits at
 * vtable offset {@code 4 + 2 i}; the slot numbers below follow the schema's field order.
 * Every vector length is checked against the buffer so a damaged file fails fast instead of looping.
 */
final class TfliteSchema {
    static final String IDENTIFIER = "TFL3";

    private TfliteSchema() {
    }

    static int slot(int field) {
        return 4 + 2 * field;
    }

    /** Common reads with bounds checks; subclasses only name their fields. */
    abstract static class Base extends Table {
        final <T extends Base> T init(int pos, ByteBuffer buf) {
            __reset(pos, buf);
            @SuppressWarnings("unchecked") T self = (T) this;
            return self;
        }

        int intField(int field, int dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.getInt(o + bb_pos) : dflt;
        }

        long uintField(int field, long dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.getInt(o + bb_pos) & 0xffffffffL : dflt;
        }

        long longField(int field, long dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.getLong(o + bb_pos) : dflt;
        }

        int byteField(int field, int dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.get(o + bb_pos) : dflt;
        }

        int ubyteField(int field, int dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.get(o + bb_pos) & 0xff : dflt;
        }

        boolean boolField(int field, boolean dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.get(o + bb_pos) != 0 : dflt;
        }

        float floatField(int field, float dflt) {
            int o = __offset(slot(field));
            return o != 0 ? bb.getFloat(o + bb_pos) : dflt;
        }

        String stringField(int field) {
            int o = __offset(slot(field));
            return o != 0 ? __string(o + bb_pos) : null;
        }

        /** Element count of a vector field (0 when absent), checked to fit in the buffer. */
        int vecLen(int field, int elemSize) {
            int o = __offset(slot(field));
            if (o == 0) {
                return 0;
            }
            int n = __vector_len(o);
            int start = __vector(o);
            if (n < 0 || (long) start + (long) n * elemSize > bb.limit()) {
                throw new IndexOutOfBoundsException("vector of " + n + " elements at " + start + " runs past the end");
            }
            return n;
        }

        int vecStart(int field) {
            return __vector(__offset(slot(field)));
        }

        int[] ints(int field) {
            int n = vecLen(field, 4);
            int[] out = new int[n];
            int s = n == 0 ? 0 : vecStart(field);
            for (int i = 0; i < n; i++) {
                out[i] = bb.getInt(s + 4 * i);
            }
            return out;
        }

        float[] floats(int field) {
            int n = vecLen(field, 4);
            float[] out = new float[n];
            int s = n == 0 ? 0 : vecStart(field);
            for (int i = 0; i < n; i++) {
                out[i] = bb.getFloat(s + 4 * i);
            }
            return out;
        }

        long[] longs(int field) {
            int n = vecLen(field, 8);
            long[] out = new long[n];
            int s = n == 0 ? 0 : vecStart(field);
            for (int i = 0; i < n; i++) {
                out[i] = bb.getLong(s + 8 * i);
            }
            return out;
        }

        /** The i-th table of a vector of tables. */
        <T extends Base> T table(int field, int i, T into) {
            int s = vecStart(field);
            return into.init(__indirect(s + 4 * i), bb);
        }

        /** A table-valued field, or null when absent. */
        <T extends Base> T subTable(int field, T into) {
            int o = __offset(slot(field));
            return o != 0 ? into.init(__indirect(o + bb_pos), bb) : null;
        }
    }

    static final class Model extends Base {
        static Model root(ByteBuffer buf) {
            return new Model().init(buf.getInt(buf.position()) + buf.position(), buf);
        }

        long version() {
            return uintField(0, 0);
        }

        int operatorCodesCount() {
            return vecLen(1, 4);
        }

        OperatorCode operatorCode(int i) {
            return table(1, i, new OperatorCode());
        }

        int subgraphsCount() {
            return vecLen(2, 4);
        }

        SubGraph subgraph(int i) {
            return table(2, i, new SubGraph());
        }

        String description() {
            return stringField(3);
        }

        int buffersCount() {
            return vecLen(4, 4);
        }

        Buffer buffer(int i) {
            return table(4, i, new Buffer());
        }
    }

    static final class OperatorCode extends Base {
        /** The builtin code: the larger of the old byte field and the newer int field, as TFLite does. */
        int builtinCode() {
            return Math.max(byteField(0, 0), intField(3, 0));
        }

        String customCode() {
            return stringField(1);
        }

        int version() {
            return intField(2, 1);
        }
    }

    static final class SubGraph extends Base {
        int tensorsCount() {
            return vecLen(0, 4);
        }

        Tensor tensor(int i) {
            return table(0, i, new Tensor());
        }

        int[] inputs() {
            return ints(1);
        }

        int[] outputs() {
            return ints(2);
        }

        int operatorsCount() {
            return vecLen(3, 4);
        }

        Operator operator(int i) {
            return table(3, i, new Operator());
        }

        String name() {
            return stringField(4);
        }
    }

    static final class Tensor extends Base {
        int[] shape() {
            return ints(0);
        }

        int type() {
            return byteField(1, 0);
        }

        long buffer() {
            return uintField(2, 0);
        }

        String name() {
            return stringField(3);
        }

        Quantization quantization() {
            return subTable(4, new Quantization());
        }

        int[] shapeSignature() {
            return ints(7);
        }
    }

    static final class Quantization extends Base {
        float[] min() {
            return floats(0);
        }

        float[] max() {
            return floats(1);
        }

        float[] scale() {
            return floats(2);
        }

        long[] zeroPoint() {
            return longs(3);
        }

        int quantizedDimension() {
            return intField(6, 0);
        }
    }

    static final class Operator extends Base {
        long opcodeIndex() {
            return uintField(0, 0);
        }

        int[] inputs() {
            return ints(1);
        }

        int[] outputs() {
            return ints(2);
        }

        int builtinOptionsType() {
            return ubyteField(3, 0);
        }

        /** The builtin options table; its fields are read by {@link Options} according to the operator. */
        Options builtinOptions() {
            int o = __offset(slot(4));
            return o != 0 ? new Options().init(__indirect(o + bb_pos), bb) : null;
        }
    }

    /** Any builtin options table; the operator's code says which fields mean what. */
    static final class Options extends Base {
        int i(int field, int dflt) {
            return intField(field, dflt);
        }

        int b(int field, int dflt) {
            return byteField(field, dflt);
        }

        boolean bool(int field) {
            return boolField(field, false);
        }

        float f(int field, float dflt) {
            return floatField(field, dflt);
        }

        int[] intVector(int field) {
            return ints(field);
        }
    }

    static final class Buffer extends Base {
        int dataLength() {
            return vecLen(0, 1);
        }

        int dataStart() {
            return vecStart(0);
        }

        /** Offset of the data in the file when stored after the flatbuffer (models over 2 GB); 0 otherwise. */
        long offset() {
            return longField(1, 0);
        }

        long size() {
            return longField(2, 0);
        }
    }
}

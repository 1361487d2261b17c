package dev.edgewise.plugin.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/** Writes .tflite files following the published schema, for tests (no flatc-generated code). */
final class TfliteFileBuilder {
    static final int FLOAT32 = 0;
    static final int INT32 = 2;
    static final int UINT8 = 3;
    static final int INT8 = 9;

    record Quant(float[] scale, long[] zeroPoint, int dim) {
    }

    private record TensorSpec(String name, int type, int[] shape, int buffer, Quant quant) {
    }

    private record OpSpec(int opcode, int[] in, int[] out, int optionsType, ToIntFunction<FlatBufferBuilder> options) {
    }

    private final List<byte[]> buffers = new ArrayList<>(List.of(new byte[0]));
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<Integer> opcodes = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();

    int tensor(String name, int type, int[] shape, byte[] data, Quant q) {
        int buf = 0;
        if (data != null) {
            buffers.add(data);
            buf = buffers.size() - 1;
        }
        tensors.add(new TensorSpec(name, type, shape, buf, q));
        return tensors.size() - 1;
    }

    int activation(String name, int... shape) {
        return tensor(name, FLOAT32, shape, null, null);
    }

    int floats(String name, int[] shape, float fill) {
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(fill + i * 0.001f);
        }
        return tensor(name, FLOAT32, shape, b.array(), null);
    }

    int ints(String name, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return tensor(name, INT32, new int[] {values.length}, b.array(), null);
    }

    void op(int builtin, int[] in, int[] out, int optionsType, ToIntFunction<FlatBufferBuilder> options) {
        int idx = opcodes.indexOf(builtin);
        if (idx < 0) {
            opcodes.add(builtin);
            idx = opcodes.size() - 1;
        }
        ops.add(new OpSpec(idx, in, out, optionsType, options));
    }

    static ToIntFunction<FlatBufferBuilder> conv(int padding, int stride, int act) {
        return fb -> {
            fb.startTable(7);
            fb.addByte(0, (byte) padding, 0);
            fb.addInt(1, stride, 0);
            fb.addInt(2, stride, 0);
            fb.addByte(3, (byte) act, 0);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> depthwise(int padding, int stride, int multiplier, int act) {
        return fb -> {
            fb.startTable(7);
            fb.addByte(0, (byte) padding, 0);
            fb.addInt(1, stride, 0);
            fb.addInt(2, stride, 0);
            fb.addInt(3, multiplier, 0);
            fb.addByte(4, (byte) act, 0);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> pool(int padding, int stride, int filter, int act) {
        return fb -> {
            fb.startTable(6);
            fb.addByte(0, (byte) padding, 0);
            fb.addInt(1, stride, 0);
            fb.addInt(2, stride, 0);
            fb.addInt(3, filter, 0);
            fb.addInt(4, filter, 0);
            fb.addByte(5, (byte) act, 0);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> act(int act) {
        return fb -> {
            fb.startTable(1);
            fb.addByte(0, (byte) act, 0);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> concat(int axis) {
        return fb -> {
            fb.startTable(2);
            fb.addInt(0, axis, 0);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> softmax(float beta) {
        return fb -> {
            fb.startTable(1);
            fb.addFloat(0, beta, 0);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> keepDims(boolean keep) {
        return fb -> {
            fb.startTable(1);
            fb.addBoolean(0, keep, false);
            return fb.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> empty() {
        return fb -> {
            fb.startTable(0);
            return fb.endTable();
        };
    }

    byte[] finish(int[] inputs, int[] outputs) {
        FlatBufferBuilder fb = new FlatBufferBuilder(1024);
        int[] bufOffsets = writeBuffers(fb);
        int[] tOffsets = writeTensors(fb);
        int[] opOffsets = writeOperators(fb);
        int tensorsVec = fb.createVectorOfTables(tOffsets);
        int inVec = intVector(fb, inputs);
        int outVec = intVector(fb, outputs);
        int opsVec = fb.createVectorOfTables(opOffsets);
        int sgName = fb.createString("main");
        fb.startTable(5);
        fb.addOffset(0, tensorsVec, 0);
        fb.addOffset(1, inVec, 0);
        fb.addOffset(2, outVec, 0);
        fb.addOffset(3, opsVec, 0);
        fb.addOffset(4, sgName, 0);
        int subgraph = fb.endTable();
        int[] codeOffsets = new int[opcodes.size()];
        for (int i = 0; i < opcodes.size(); i++) {
            int code = opcodes.get(i);
            fb.startTable(4);
            fb.addByte(0, (byte) Math.min(code, 127), 0);
            fb.addInt(2, 1, 1);
            fb.addInt(3, code, 0);
            codeOffsets[i] = fb.endTable();
        }
        int codesVec = fb.createVectorOfTables(codeOffsets);
        int sgVec = fb.createVectorOfTables(new int[] {subgraph});
        int desc = fb.createString("edgewise test model");
        int bufVec = fb.createVectorOfTables(bufOffsets);
        fb.startTable(5);
        fb.addInt(0, 3, 0);
        fb.addOffset(1, codesVec, 0);
        fb.addOffset(2, sgVec, 0);
        fb.addOffset(3, desc, 0);
        fb.addOffset(4, bufVec, 0);
        int model = fb.endTable();
        fb.finish(model, TfliteSchema.IDENTIFIER);
        return fb.sizedByteArray();
    }

    private int[] writeBuffers(FlatBufferBuilder fb) {
        int[] bufOffsets = new int[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            int data = buffers.get(i).length == 0 ? 0 : fb.createByteVector(buffers.get(i));
            fb.startTable(3);
            if (data != 0) {
                fb.addOffset(0, data, 0);
            }
            bufOffsets[i] = fb.endTable();
        }
        return bufOffsets;
    }

    private int[] writeTensors(FlatBufferBuilder fb) {
        int[] tOffsets = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            int shape = intVector(fb, t.shape());
            int name = fb.createString(t.name());
            int quant = 0;
            if (t.quant() != null) {
                int scale = floatVector(fb, t.quant().scale());
                int zp = longVector(fb, t.quant().zeroPoint());
                fb.startTable(7);
                fb.addOffset(2, scale, 0);
                fb.addOffset(3, zp, 0);
                fb.addInt(6, t.quant().dim(), 0);
                quant = fb.endTable();
            }
            fb.startTable(8);
            fb.addOffset(0, shape, 0);
            fb.addByte(1, (byte) t.type(), 0);
            fb.addInt(2, t.buffer(), 0);
            fb.addOffset(3, name, 0);
            if (quant != 0) {
                fb.addOffset(4, quant, 0);
            }
            tOffsets[i] = fb.endTable();
        }
        return tOffsets;
    }

    private int[] writeOperators(FlatBufferBuilder fb) {
        int[] opOffsets = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpSpec o = ops.get(i);
            int in = intVector(fb, o.in());
            int out = intVector(fb, o.out());
            int opts = o.options() == null ? 0 : o.options().applyAsInt(fb);
            fb.startTable(5);
            fb.addInt(0, o.opcode(), 0);
            fb.addOffset(1, in, 0);
            fb.addOffset(2, out, 0);
            fb.addByte(3, (byte) o.optionsType(), 0);
            if (opts != 0) {
                fb.addOffset(4, opts, 0);
            }
            opOffsets[i] = fb.endTable();
        }
        return opOffsets;
    }

    private static int intVector(FlatBufferBuilder fb, int[] v) {
        fb.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            fb.addInt(v[i]);
        }
        return fb.endVector();
    }

    private static int floatVector(FlatBufferBuilder fb, float[] v) {
        fb.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            fb.addFloat(v[i]);
        }
        return fb.endVector();
    }

    private static int longVector(FlatBufferBuilder fb, long[] v) {
        fb.startVector(8, v.length, 8);
        for (int i = v.length - 1; i >= 0; i--) {
            fb.addLong(v[i]);
        }
        return fb.endVector();
    }
}

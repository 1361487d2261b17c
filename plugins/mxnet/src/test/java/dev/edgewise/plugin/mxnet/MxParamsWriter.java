package dev.edgewise.plugin.mxnet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes MXNet NDArray-list files (float32 arrays) in the V2 or the legacy layout, for tests. */
final class MxParamsWriter {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();

    MxParamsWriter add(String name, float start, long... shape) {
        int n = (int) MxGraphConverter.count(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * 0.001f;
        }
        shapes.put(name, shape);
        values.put(name, v);
        return this;
    }

    byte[] write(boolean legacy) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, 8, b -> b.putLong(MxParams.LIST_MAGIC));
        put(out, 8, b -> b.putLong(0));
        put(out, 8, b -> b.putLong(shapes.size()));
        for (String name : shapes.keySet()) {
            long[] s = shapes.get(name);
            float[] v = values.get(name);
            if (legacy) {
                put(out, 4 + 4 * s.length, b -> {
                    b.putInt(s.length);
                    for (long d : s) {
                        b.putInt((int) d);
                    }
                });
            } else {
                put(out, 12 + 8 * s.length, b -> {
                    b.putInt(MxParams.V2_MAGIC);
                    b.putInt(0);
                    b.putInt(s.length);
                    for (long d : s) {
                        b.putLong(d);
                    }
                });
            }
            put(out, 12 + 4 * v.length, b -> {
                b.putInt(1);
                b.putInt(0);
                b.putInt(0);
                for (float f : v) {
                    b.putFloat(f);
                }
            });
        }
        put(out, 8, b -> b.putLong(shapes.size()));
        for (String name : shapes.keySet()) {
            byte[] s = ((name.endsWith("moving_mean") || name.endsWith("moving_var")) ? "aux:" + name : "arg:" + name)
                .getBytes(StandardCharsets.UTF_8);
            put(out, 8 + s.length, b -> {
                b.putLong(s.length);
                b.put(s);
            });
        }
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, int size, java.util.function.Consumer<ByteBuffer> w) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        w.accept(b);
        out.writeBytes(b.array());
    }

    /** The weights of small_net-symbol.json (the cross-format reference network). */
    static MxParamsWriter smallNet() {
        return new MxParamsWriter().add("conv1_weight", 0.01f, 8, 3, 3, 3).add("conv1_bias", 0f, 8)
            .add("dw_weight", 0.02f, 8, 1, 3, 3).add("dw_bias", 0f, 8).add("fc_weight", 0.03f, 10, 128)
            .add("fc_bias", 0f, 10);
    }
}

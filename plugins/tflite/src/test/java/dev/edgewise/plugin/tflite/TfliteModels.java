package dev.edgewise.plugin.tflite;

import static dev.edgewise.plugin.tflite.TfliteFileBuilder.*;

import dev.edgewise.plugin.tflite.TfliteFileBuilder.Quant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The TFLite test corpus, built here; the same bytes are committed under src/test/resources/tflite. */
final class TfliteModels {
    private static final int SAME = 0;
    private static final int VALID = 1;

    private TfliteModels() {
    }

    static Map<String, byte[]> corpus() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("small_net.tflite", smallNet());
        m.put("ops_tour.tflite", opsTour());
        m.put("int8_net.tflite", int8Net());
        byte[] small = smallNet();
        m.put("truncated.tflite", Arrays.copyOf(small, small.length / 2));
        m.put("bad_buffer.tflite", badBuffer());
        byte[] garbage = new byte[64];
        ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7fff0000);
        System.arraycopy("TFL3".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, garbage, 4, 4);
        m.put("garbage_with_identifier.tflite", garbage);
        return m;
    }

    /**
     * The cross-format reference network, NHWC: 8x8x3 -> conv 3x3x8 SAME + ReLU -> depthwise 3x3 SAME + ReLU
     * -> max pool 2x2/2 -> fully connected 128->10 -> softmax.
     */
    static byte[] smallNet() {
        TfliteFileBuilder b = new TfliteFileBuilder();
        int x = b.activation("input", 1, 8, 8, 3);
        int w1 = b.floats("conv1/weights", new int[] {8, 3, 3, 3}, 0.01f);
        int b1 = b.floats("conv1/bias", new int[] {8}, 0f);
        int c1 = b.activation("conv1", 1, 8, 8, 8);
        b.op(TfliteOps.CONV_2D, new int[] {x, w1, b1}, new int[] {c1}, 1, conv(SAME, 1, 1));
        int w2 = b.floats("dw/weights", new int[] {1, 3, 3, 8}, 0.02f);
        int b2 = b.floats("dw/bias", new int[] {8}, 0f);
        int c2 = b.activation("dw", 1, 8, 8, 8);
        b.op(TfliteOps.DEPTHWISE_CONV_2D, new int[] {c1, w2, b2}, new int[] {c2}, 2, depthwise(SAME, 1, 1, 1));
        int p = b.activation("pool", 1, 4, 4, 8);
        b.op(TfliteOps.MAX_POOL_2D, new int[] {c2}, new int[] {p}, 5, pool(VALID, 2, 2, 0));
        int w3 = b.floats("fc/weights", new int[] {10, 128}, 0.03f);
        int b3 = b.floats("fc/bias", new int[] {10}, 0f);
        int f = b.activation("fc", 1, 10);
        b.op(TfliteOps.FULLY_CONNECTED, new int[] {p, w3, b3}, new int[] {f}, 8, act(0));
        int y = b.activation("prob", 1, 10);
        b.op(TfliteOps.SOFTMAX, new int[] {f}, new int[] {y}, 9, softmax(1f));
        return b.finish(new int[] {x}, new int[] {y});
    }

    /** One of each remaining operator: strided SAME conv with ReLU6, pools, elementwise, concat, pad, mean, ... */
    static byte[] opsTour() {
        TfliteFileBuilder b = new TfliteFileBuilder();
        int x = b.activation("image", 1, 9, 9, 4);
        int w = b.floats("c/w", new int[] {6, 3, 3, 4}, 0.1f);
        int c = b.activation("c", 1, 5, 5, 6);
        b.op(TfliteOps.CONV_2D, new int[] {x, w, -1}, new int[] {c}, 1, conv(SAME, 2, 3));
        int ap = b.activation("avg", 1, 5, 5, 6);
        b.op(TfliteOps.AVERAGE_POOL_2D, new int[] {c}, new int[] {ap}, 5, pool(SAME, 1, 3, 0));
        int k = b.floats("k", new int[] {6}, 1f);
        int add = b.activation("add", 1, 5, 5, 6);
        b.op(TfliteOps.ADD, new int[] {ap, k}, new int[] {add}, 11, act(1));
        int mul = b.activation("mul", 1, 5, 5, 6);
        b.op(TfliteOps.MUL, new int[] {add, c}, new int[] {mul}, 21, act(0));
        int cat = b.activation("cat", 1, 5, 5, 12);
        b.op(TfliteOps.CONCATENATION, new int[] {mul, add}, new int[] {cat}, 10, concat(3));
        int pads = b.tensor("pads", INT32, new int[] {4, 2}, le(0, 0, 1, 1, 1, 1, 0, 0), null);
        int padded = b.activation("padded", 1, 7, 7, 12);
        b.op(TfliteOps.PAD, new int[] {cat, pads}, new int[] {padded}, 22, empty());
        int axes = b.ints("axes", 1, 2);
        int mean = b.activation("mean", 1, 1, 1, 12);
        b.op(TfliteOps.MEAN, new int[] {padded, axes}, new int[] {mean}, 27, keepDims(true));
        int shape = b.ints("shape", 1, 12);
        int flat = b.activation("flat", 1, 12);
        b.op(TfliteOps.RESHAPE, new int[] {mean, shape}, new int[] {flat}, 0, null);
        int sig = b.activation("sig", 1, 12);
        b.op(TfliteOps.LOGISTIC, new int[] {flat}, new int[] {sig}, 0, null);
        int tanh = b.activation("tanh", 1, 12);
        b.op(TfliteOps.TANH, new int[] {sig}, new int[] {tanh}, 0, null);
        int perm = b.ints("perm", 1, 0);
        int tr = b.activation("transposed", 12, 1);
        b.op(39, new int[] {tanh, perm}, new int[] {tr}, 0, null);
        return b.finish(new int[] {x}, new int[] {tr});
    }

    /** Full-integer model: QUANTIZE -> int8 conv (per-channel weight scales, int32 bias) -> FC -> DEQUANTIZE. */
    static byte[] int8Net() {
        TfliteFileBuilder b = new TfliteFileBuilder();
        int x = b.activation("input", 1, 4, 4, 2);
        int q = b.tensor("input_int8", INT8, new int[] {1, 4, 4, 2}, null,
            new Quant(new float[] {0.5f}, new long[] {-1}, 0));
        b.op(TfliteOps.QUANTIZE, new int[] {x}, new int[] {q}, 0, null);
        byte[] wq = new byte[3 * 3 * 3 * 2];
        for (int i = 0; i < wq.length; i++) {
            wq[i] = (byte) (i - 20);
        }
        int w = b.tensor("conv/w", INT8, new int[] {3, 3, 3, 2}, wq,
            new Quant(new float[] {0.01f, 0.02f, 0.03f}, new long[] {0, 0, 0}, 0));
        int bias = b.tensor("conv/b", INT32, new int[] {3}, le(1, 2, 3), new Quant(new float[] {0.005f, 0.01f, 0.015f},
            new long[] {0, 0, 0}, 0));
        int c = b.tensor("conv", INT8, new int[] {1, 2, 2, 3}, null, new Quant(new float[] {0.25f}, new long[] {3}, 0));
        b.op(TfliteOps.CONV_2D, new int[] {q, w, bias}, new int[] {c}, 1, conv(VALID, 1, 1));
        int fw = b.tensor("fc/w", INT8, new int[] {5, 12}, new byte[60], new Quant(new float[] {0.1f}, new long[] {0}, 0));
        int f = b.tensor("fc", INT8, new int[] {1, 5}, null, new Quant(new float[] {0.2f}, new long[] {-4}, 0));
        b.op(TfliteOps.FULLY_CONNECTED, new int[] {c, fw, -1}, new int[] {f}, 8, act(0));
        int y = b.activation("output", 1, 5);
        b.op(TfliteOps.DEQUANTIZE, new int[] {f}, new int[] {y}, 0, null);
        return b.finish(new int[] {x}, new int[] {y});
    }

    /** A conv filter whose buffer holds fewer bytes than its shape needs. */
    static byte[] badBuffer() {
        TfliteFileBuilder b = new TfliteFileBuilder();
        int x = b.activation("input", 1, 4, 4, 1);
        int w = b.tensor("short/w", FLOAT32, new int[] {2, 3, 3, 1}, new byte[10], null);
        int y = b.activation("short", 1, 2, 2, 2);
        b.op(TfliteOps.CONV_2D, new int[] {x, w, -1}, new int[] {y}, 1, conv(VALID, 1, 0));
        return b.finish(new int[] {x}, new int[] {y});
    }

    static byte[] le(int... v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) {
            bb.putInt(i);
        }
        return bb.array();
    }
}

package dev.edgewise.bridge.plan;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Weight blob bytes as plan-format.md defines them: fp32 or fp16 (IEEE binary16, round to nearest
 * even) elements, dense or in LAYOUT_CSR (uint32 row_ptr[rows + 1], uint32 col_idx[nnz], nnz values).
 * Java 17 has no Float.floatToFloat16 (Java 20), hence the conversion here; the runtime's scalar
 * conversion (cvt_f16_scalar.c) follows the same rules and the tests cross-check both.
 */
final class WeightEncoding {
    private WeightEncoding() {
    }

    /** Fraction of exact zeros. */
    static double sparsity(float[] w) {
        long zeros = 0;
        for (float v : w) {
            if (v == 0.0f) {
                zeros++;
            }
        }
        return w.length == 0 ? 0.0 : (double) zeros / w.length;
    }

    static ByteString dense(float[] w, boolean f16) {
        ByteBuffer b = ByteBuffer.allocate(w.length * (f16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : w) {
            put(b, v, f16);
        }
        return ByteString.copyFrom(b.array());
    }

    /** w is rows x (w.length / rows), row-major; zeros are dropped, columns ascend within a row. */
    static ByteString csr(float[] w, int rows, boolean f16) {
        int cols = rows == 0 ? 0 : w.length / rows;
        int nnz = 0;
        for (float v : w) {
            if (v != 0.0f) {
                nnz++;
            }
        }
        ByteBuffer b = ByteBuffer.allocate((rows + 1) * 4 + nnz * (f16 ? 6 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        b.putInt(0);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (w[r * cols + c] != 0.0f) {
                    n++;
                }
            }
            b.putInt(n);
        }
        for (int i = 0; i < w.length; i++) {
            if (w[i] != 0.0f) {
                b.putInt(i % cols);
            }
        }
        for (float v : w) {
            if (v != 0.0f) {
                put(b, v, f16);
            }
        }
        return ByteString.copyFrom(b.array());
    }

    private static void put(ByteBuffer b, float v, boolean f16) {
        if (f16) {
            b.putShort(toHalf(v));
        } else {
            b.putFloat(v);
        }
    }

    /** Round to nearest even; overflow to infinity; NaN stays a quiet NaN. */
    static short toHalf(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int ax = x & 0x7FFFFFFF;
        if (ax >= 0x7F800000) {
            return (short) (sign | (ax > 0x7F800000 ? 0x7E00 | ((ax >>> 13) & 0x3FF) : 0x7C00));
        }
        if (ax >= 0x477FF000) {
            return (short) (sign | 0x7C00);
        }
        if (ax < 0x38800000) {
            if (ax <= 0x33000000) {
                return (short) sign;
            }
            int e = ax >>> 23;
            int m = (ax & 0x7FFFFF) | 0x800000;
            int shift = 126 - e;
            int q = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) != 0)) {
                q++;
            }
            return (short) (sign | q);
        }
        int h = (ax >>> 13) - (112 << 10);
        int rem = ax & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
            h++;
        }
        return (short) (sign | h);
    }

    static float fromHalf(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        if (e == 0) {
            float v = m * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (e == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (m << 13) | (m != 0 ? 0x400000 : 0));
        }
        return Float.intBitsToFloat(sign | ((e + 112) << 23) | (m << 13));
    }
}

package dev.edgewise.core.ir;

/** IEEE 754 binary16 conversions (Java 17 has no Float.float16ToFloat). */
public final class Half {
    private Half() {
    }

    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Round-to-nearest-even conversion, with overflow to infinity and gradual underflow. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) {
            return (short) (sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
        }
        if (abs >= 0x477ff000) {
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x38800000) {
            // subnormal half: scale into integer mantissa units of 2^-24 with round-half-even
            float a = Float.intBitsToFloat(abs) * 16777216f;
            int m = (int) Math.rint(a);
            return (short) (sign | m);
        }
        int e = ((abs >>> 23) - 112) << 10;
        int m = (abs >>> 13) & 0x3ff;
        int rest = abs & 0x1fff;
        int h = e | m;
        if (rest > 0x1000 || (rest == 0x1000 && (m & 1) == 1)) {
            h++;
        }
        return (short) (sign | h);
    }
}

package dev.edgewise.bridge.plan;

/**
 * The static shape of one 2-D convolution after auto_pad is resolved (pads are top, left,
 * bottom, right as in ONNX).
 */
record ConvGeometry(long n, long c, long h, long w, long m, long oh, long ow, int kh, int kw, int sh, int sw,
                    int dh, int dw, int group, int[] pads) {

    boolean isDepthwise() {
        return group > 1 && group == c && group == m;
    }

    boolean isPointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0;
    }

    boolean is3x3(int stride) {
        return kh == 3 && kw == 3 && sh == stride && sw == stride && dh == 1 && dw == 1;
    }

    /** Bytes of the filter spectra CONV_FFT keeps (see conv_fft_f32.c: P, Q = next powers of two). */
    long fftSpectraBytes() {
        long p = Long.highestOneBit(Math.max(1, h + pads[0] + pads[2] - 1)) << 1;
        long q = Long.highestOneBit(Math.max(1, w + pads[1] + pads[3] - 1)) << 1;
        return m * (c / group) * p * q * 8;
    }

    /** Multiply-accumulates of the layer (direct formulation). */
    long macs() {
        return n * m * oh * ow * (c / group) * kh * kw;
    }

    String describe() {
        return c + "->" + m + " " + kh + "x" + kw + " s" + sh + (sh != sw ? "x" + sw : "") + (dh > 1 || dw > 1 ? " d" + dh : "")
            + (group > 1 ? " g" + group : "") + " on " + h + "x" + w;
    }
}

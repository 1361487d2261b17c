package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import java.util.ArrayList;
import java.util.List;

/**
 * Which runtime kernels can run a convolution, and the default pick (documented in
 * docs/plan-compiler.md; the speed-ups it rests on are the runtime's measurements in
 * docs/runtime.md).
 */
final class ConvKernelChooser {
    /** Winograd pays off once the GEMMs per tile position have some depth (runtime.md). */
    static final int WINOGRAD_MIN_CHANNELS = 16;
    /**
     * Below this output size a single F(4x4) tile overhangs the map and F(2x2) wastes less; from 4
     * up F(4x4) wins even on ResNet-18's 7x7 maps (runtime.md: 2.2x vs 1.6x over im2col).
     */
    static final int F43_MIN_OUTPUT = 4;
    /** FFT is only plausible for big kernels with few channels, where its O(log) cost beats k^2. */
    static final int FFT_MIN_KERNEL = 9;
    static final long FFT_MAX_CHANNELS = 16;
    static final long FFT_SPECTRA_LIMIT = 256L << 20;

    private ConvKernelChooser() {
    }

    record Choice(KernelId kernel, String reason) {
    }

    /** Every kernel whose rules (plan-format.md section 4) this geometry satisfies. */
    static List<KernelId> candidates(ConvGeometry g) {
        List<KernelId> out = new ArrayList<>();
        out.add(KernelId.CONV_DIRECT);
        out.add(KernelId.CONV_IM2COL_SGEMM);
        if (g.isPointwise()) {
            out.add(KernelId.CONV1X1_SGEMM);
        }
        if (g.is3x3(1) && g.group() == 1) {
            out.add(KernelId.CONV3X3S1_WINOGRAD_F23);
            out.add(KernelId.CONV3X3S1_WINOGRAD_F43);
        }
        if (g.isDepthwise() && g.is3x3(1)) {
            out.add(KernelId.CONVDW3X3S1);
        }
        if (g.isDepthwise() && g.is3x3(2)) {
            out.add(KernelId.CONVDW3X3S2);
        }
        if (g.fftSpectraBytes() <= FFT_SPECTRA_LIMIT) {
            out.add(KernelId.CONV_FFT);
        }
        return out;
    }

    static Choice heuristic(ConvGeometry g) {
        if (g.isDepthwise() && g.is3x3(1)) {
            return new Choice(KernelId.CONVDW3X3S1, "depthwise 3x3 stride 1");
        }
        if (g.isDepthwise() && g.is3x3(2)) {
            return new Choice(KernelId.CONVDW3X3S2, "depthwise 3x3 stride 2");
        }
        if (g.isPointwise()) {
            return new Choice(KernelId.CONV1X1_SGEMM, "1x1 stride 1 unpadded: the input is the GEMM operand as is");
        }
        if (g.is3x3(1) && g.group() == 1) {
            if (g.c() >= WINOGRAD_MIN_CHANNELS && g.m() >= WINOGRAD_MIN_CHANNELS) {
                if (g.oh() >= F43_MIN_OUTPUT && g.ow() >= F43_MIN_OUTPUT) {
                    return new Choice(KernelId.CONV3X3S1_WINOGRAD_F43, "3x3 s1 with C, M >= " + WINOGRAD_MIN_CHANNELS
                        + " and output >= " + F43_MIN_OUTPUT + "x" + F43_MIN_OUTPUT + ": Winograd F(4x4,3x3)");
                }
                return new Choice(KernelId.CONV3X3S1_WINOGRAD_F23, "3x3 s1 with C, M >= " + WINOGRAD_MIN_CHANNELS
                    + " on a small map (output < " + F43_MIN_OUTPUT + "): Winograd F(2x2,3x3)");
            }
            return new Choice(KernelId.CONV_IM2COL_SGEMM, "3x3 s1 with fewer than " + WINOGRAD_MIN_CHANNELS
                + " input or output channels: Winograd's transforms would dominate");
        }
        if (Math.min(g.kh(), g.kw()) >= FFT_MIN_KERNEL && g.c() / g.group() <= FFT_MAX_CHANNELS && g.sh() == 1 && g.sw() == 1
            && g.dh() == 1 && g.dw() == 1 && g.fftSpectraBytes() <= FFT_SPECTRA_LIMIT) {
            return new Choice(KernelId.CONV_FFT, "kernel >= " + FFT_MIN_KERNEL + "x" + FFT_MIN_KERNEL
                + ", stride 1, at most " + FFT_MAX_CHANNELS + " input channels per group: FFT");
        }
        return new Choice(KernelId.CONV_IM2COL_SGEMM, "general conv (" + g.describe() + "): im2col + SGEMM");
    }
}

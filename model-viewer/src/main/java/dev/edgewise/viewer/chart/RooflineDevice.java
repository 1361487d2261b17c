package dev.edgewise.viewer.chart;

import java.util.List;
import java.util.Objects;

/**
 * A device's peak compute and memory bandwidth for the roofline. These are assumptions, not
 * measurements: the presets are computed from core count x clock x FLOPs per cycle and typical
 * STREAM-like DRAM bandwidth, and say so in {@code assumption}; users edit them to match their board.
 */
public record RooflineDevice(String name, double peakGflops, double bandwidthGBs, String assumption) {
    public RooflineDevice {
        Objects.requireNonNull(name, "name");
        if (!(peakGflops > 0) || !(bandwidthGBs > 0)) {
            throw new IllegalArgumentException("device '" + name + "': peak compute and bandwidth must be positive, got "
                + peakGflops + " GFLOP/s and " + bandwidthGBs + " GB/s");
        }
        assumption = assumption == null ? "" : assumption;
    }

    public static List<RooflineDevice> presets() {
        return List.of(
            new RooflineDevice("Cortex-A53 x4 @ 1.2 GHz (Raspberry Pi 3)", 38.4, 2.5,
                "assumed: 4 cores x 1.2 GHz x 8 FP32 FLOP/cycle (64-bit NEON FMA); ~2.5 GB/s LPDDR2"),
            new RooflineDevice("Cortex-A72 x4 @ 1.5 GHz (Raspberry Pi 4)", 96, 4.5,
                "assumed: 4 cores x 1.5 GHz x 16 FP32 FLOP/cycle (2 x 128-bit NEON FMA); ~4.5 GB/s LPDDR4"),
            new RooflineDevice("Cortex-A76 x4 @ 2.4 GHz (Raspberry Pi 5)", 153.6, 9,
                "assumed: 4 cores x 2.4 GHz x 16 FP32 FLOP/cycle; ~9 GB/s LPDDR4X"),
            new RooflineDevice("Cortex-X1 x1 @ 2.84 GHz (phone big core)", 90.9, 15,
                "assumed: 1 core x 2.84 GHz x 32 FP32 FLOP/cycle (4 x 128-bit NEON FMA); ~15 GB/s single-core"));
    }

    /** FLOPs per byte where the memory roof meets the compute roof. */
    public double ridgeIntensity() {
        return peakGflops / bandwidthGBs;
    }

    /** Best achievable GFLOP/s at an arithmetic intensity (FLOPs per byte). */
    public double attainableGflops(double intensity) {
        return Math.min(peakGflops, bandwidthGBs * intensity);
    }

    public boolean memoryBound(double intensity) {
        return intensity < ridgeIntensity();
    }

    /** Lower bound on a layer's time in milliseconds under this roofline, NaN if it cannot be placed. */
    public double minimumMillis(double flops, double intensity) {
        if (!(flops > 0) || !(intensity > 0) || !Double.isFinite(intensity)) {
            return Double.NaN;
        }
        return flops / (attainableGflops(intensity) * 1e9) * 1e3;
    }

    public RooflineDevice withPeak(double gflops) {
        return new RooflineDevice(name, gflops, bandwidthGBs, assumption + " (peak edited)");
    }

    public RooflineDevice withBandwidth(double gbs) {
        return new RooflineDevice(name, peakGflops, gbs, assumption + " (bandwidth edited)");
    }

    @Override
    public String toString() {
        return name;
    }
}

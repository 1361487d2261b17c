package dev.edgewise.core.analysis;

/** Where a number came from. Every figure shown by Edgewise carries one of these. */
public enum Provenance {
    /** Counted exactly from the graph (params, MACs, FLOPs, bytes). */
    COUNTED("counted from the graph"),
    /** Estimated by a model with stated assumptions (energy). */
    ESTIMATED("estimated by the energy model"),
    /** Measured on a real device; the sensor or clock is named next to the value. */
    MEASURED("measured on the device"),
    /** Produced under emulation (qemu): outputs are correct, timings are not representative. */
    EMULATED("emulated (qemu): timings not representative");

    private final String label;

    Provenance(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

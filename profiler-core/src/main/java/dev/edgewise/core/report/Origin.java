package dev.edgewise.core.report;

import dev.edgewise.core.analysis.Provenance;
import java.util.Objects;

/**
 * Where a group of figures came from: the kind ({@link Provenance}) and the concrete source
 * (the graph, the energy model by name, the sensor or clock on the device, the emulator).
 * Every figure of a report points to one of these so that no writer can show a bare number.
 */
public record Origin(Provenance provenance, String source) {
    public Origin {
        Objects.requireNonNull(provenance, "provenance");
        source = source == null ? "" : source;
    }

    public static Origin counted() {
        return new Origin(Provenance.COUNTED, "graph");
    }

    public static Origin estimated(String model) {
        return new Origin(Provenance.ESTIMATED, model);
    }

    public static Origin measured(String sensorOrClock) {
        if (sensorOrClock == null || sensorOrClock.isBlank()) {
            throw new IllegalArgumentException("a measured figure must name its sensor or clock");
        }
        return new Origin(Provenance.MEASURED, sensorOrClock);
    }

    public static Origin emulated(String emulator) {
        return new Origin(Provenance.EMULATED, emulator);
    }

    /** Short form for table cells and column headers: "counted", "measured: INA219 VDD_IN". */
    public String shortLabel() {
        return source.isEmpty() || provenance == Provenance.COUNTED
            ? provenance.key() : provenance.key() + ": " + source;
    }
}

package dev.edgewise.bridge.session;

/**
 * Energy of a sampled run (bridge-protocol.md, "Sensors"). When {@code measured} is false no sensor
 * was found: source is "none" and the numbers are absent (NaN), never invented.
 */
public record EnergyMeasurement(boolean measured, String source, String method, double idleWatts,
                                double windowWatts, double joulesPerInference, double inferencesPerSecondPerWatt,
                                boolean frequencyThrottled, boolean thermalThrottled, int samples) {
}

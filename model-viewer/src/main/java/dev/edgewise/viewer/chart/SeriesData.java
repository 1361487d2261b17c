package dev.edgewise.viewer.chart;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable copy of one line's points, handed from a view model to {@link LiveLineChart}.
 *
 * @param name     legend text ("latency", "cpu0", "rapl:package-0")
 * @param xs       x values, ascending in arrival order
 * @param ys       y values, same length as xs
 * @param received how many points ever arrived (more than xs.length once older points were dropped)
 */
public record SeriesData(String name, double[] xs, double[] ys, long received) {
    public SeriesData {
        Objects.requireNonNull(name, "name");
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("series " + name + ": " + xs.length + " x values but " + ys.length
                + " y values");
        }
        xs = xs.clone();
        ys = ys.clone();
    }

    public int size() {
        return xs.length;
    }

    @Override
    public double[] xs() {
        return xs.clone();
    }

    @Override
    public double[] ys() {
        return ys.clone();
    }

    public double x(int i) {
        return xs[i];
    }

    public double y(int i) {
        return ys[i];
    }

    /** The newest y value, NaN when the series is empty. */
    public double lastY() {
        return ys.length == 0 ? Double.NaN : ys[ys.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesData s && s.name.equals(name) && s.received == received && Arrays.equals(s.xs, xs)
            && Arrays.equals(s.ys, ys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, received, Arrays.hashCode(xs), Arrays.hashCode(ys));
    }

    @Override
    public String toString() {
        return "SeriesData[" + name + ", " + xs.length + " of " + received + " points]";
    }
}

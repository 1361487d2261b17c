package dev.edgewise.viewer.chart;

/**
 * The newest {@code capacity} points of a live line, in a ring buffer: a run of hours streams
 * millions of samples, and a chart that kept them all would slow down with every frame. The count
 * of points ever received is kept so the view can say "last 600 of 12,000". Not thread-safe: one
 * thread (the FX thread, after coalescing) appends and snapshots.
 */
public final class BoundedSeries {
    private final String name;
    private final double[] xs;
    private final double[] ys;
    private int start;
    private int size;
    private long received;

    public BoundedSeries(String name, int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("series " + name + ": capacity " + capacity + " < 2");
        }
        this.name = name;
        this.xs = new double[capacity];
        this.ys = new double[capacity];
    }

    /** Adds a point; when full, the oldest point is dropped. NaN or infinite values are ignored. */
    public void add(double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            return;
        }
        received++;
        int slot = (start + size) % xs.length;
        xs[slot] = x;
        ys[slot] = y;
        if (size < xs.length) {
            size++;
        } else {
            start = (start + 1) % xs.length;
        }
    }

    public void clear() {
        start = 0;
        size = 0;
        received = 0;
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return xs.length;
    }

    public long received() {
        return received;
    }

    public SeriesData snapshot() {
        double[] x = new double[size];
        double[] y = new double[size];
        for (int i = 0; i < size; i++) {
            int k = (start + i) % xs.length;
            x[i] = xs[k];
            y[i] = ys[k];
        }
        return new SeriesData(name, x, y, received);
    }
}

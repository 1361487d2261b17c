package dev.edgewise.viewer.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedSeriesTest {
    @Test
    void keepsTheNewestPointsInOrderOnceFull() {
        BoundedSeries s = new BoundedSeries("latency", 4);
        for (int i = 0; i < 3; i++) {
            s.add(i, i * 10);
        }
        assertThat(s.snapshot().xs()).containsExactly(0, 1, 2);
        for (int i = 3; i < 11; i++) {
            s.add(i, i * 10);
        }
        SeriesData d = s.snapshot();
        assertThat(d.xs()).containsExactly(7, 8, 9, 10);
        assertThat(d.ys()).containsExactly(70, 80, 90, 100);
        assertThat(d.received()).isEqualTo(11);
        assertThat(d.lastY()).isEqualTo(100);
    }

    @Test
    void ignoresValuesThatCannotBeDrawn() {
        BoundedSeries s = new BoundedSeries("power", 8);
        s.add(0, Double.NaN);
        s.add(Double.POSITIVE_INFINITY, 1);
        s.add(1, 2.5);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.received()).isEqualTo(1);
        s.clear();
        assertThat(s.snapshot().size()).isZero();
        assertThat(s.snapshot().lastY()).isNaN();
    }

    @Test
    void snapshotsAreCopies() {
        BoundedSeries s = new BoundedSeries("t", 2);
        s.add(1, 1);
        SeriesData before = s.snapshot();
        s.add(2, 2);
        s.add(3, 3);
        assertThat(before.xs()).containsExactly(1);
        double[] xs = before.xs();
        xs[0] = 99;
        assertThat(before.x(0)).isEqualTo(1);
        assertThatThrownBy(() -> new BoundedSeries("x", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.edgewise.viewer.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void countsUseSiPrefixesWithThreeSignificantDigits() {
        assertThat(Units.count(950)).isEqualTo("950");
        assertThat(Units.count(1234)).isEqualTo("1.23 K");
        assertThat(Units.count(25_500_000)).isEqualTo("25.5 M");
        assertThat(Units.count(4_100_000_000L)).isEqualTo("4.10 G");
        assertThat(Units.count(999_600)).isEqualTo("1.00 M");
        assertThat(Units.count(0)).isEqualTo("0");
        assertThat(Units.count(Double.NaN)).isEqualTo("—");
    }

    @Test
    void bytesUseBinaryPrefixes() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(1536)).isEqualTo("1.50 KiB");
        assertThat(Units.bytes(3L * 1024 * 1024)).isEqualTo("3.00 MiB");
        assertThat(Units.bytes(102_760_448)).isEqualTo("98.0 MiB");
    }

    @Test
    void energyAndTimeChooseTheirUnit() {
        assertThat(Units.microjoules(0.5)).isEqualTo("500 nJ");
        assertThat(Units.microjoules(850)).isEqualTo("850 µJ");
        assertThat(Units.microjoules(1200)).isEqualTo("1.20 mJ");
        assertThat(Units.microjoules(3_400_000)).isEqualTo("3.40 J");
        assertThat(Units.millis(0.25)).isEqualTo("250 µs");
        assertThat(Units.millis(12.34)).isEqualTo("12.3 ms");
        assertThat(Units.millis(1500)).isEqualTo("1.50 s");
    }

    @Test
    void percentKeepsSmallSharesVisible() {
        assertThat(Units.percent(0.931)).isEqualTo("93.1%");
        assertThat(Units.percent(0.0123)).isEqualTo("1.23%");
        assertThat(Units.percent(0)).isEqualTo("0.0%");
        assertThat(Units.intensity(Double.POSITIVE_INFINITY)).isEqualTo("—");
        assertThat(Units.intensity(12.345)).isEqualTo("12.3 FLOP/B");
    }
}

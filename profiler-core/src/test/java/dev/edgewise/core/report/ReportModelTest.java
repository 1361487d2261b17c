package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.core.analysis.Provenance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportModelTest {
    @Test
    void latencyStatisticsUseNearestRankPercentilesAndSampleStd() {
        List<Double> ms = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            ms.add((double) i);
        }
        LatencyStats s = LatencyStats.of(ms, Origin.measured("CLOCK_MONOTONIC"));
        assertThat(s.samples()).isEqualTo(100);
        assertThat(s.minMs()).isEqualTo(1.0);
        assertThat(s.maxMs()).isEqualTo(100.0);
        assertThat(s.meanMs()).isEqualTo(50.5);
        assertThat(s.p50Ms()).isEqualTo(50.0);
        assertThat(s.p90Ms()).isEqualTo(90.0);
        assertThat(s.p99Ms()).isEqualTo(99.0);
        assertThat(s.stdMs()).isCloseTo(Math.sqrt(100 * 101 / 12.0), within(1e-9)); // var of 1..n is n(n+1)/12
        LatencyStats one = LatencyStats.of(List.of(3.0), Origin.emulated("qemu"));
        assertThat(List.of(one.p50Ms(), one.p99Ms(), one.stdMs())).containsExactly(3.0, 3.0, 0.0);
        assertThatThrownBy(() -> LatencyStats.of(List.of(), Origin.counted())).hasMessage("no latency samples");
    }

    @Test
    void measuredFiguresMustNameTheirSensor() {
        assertThatThrownBy(() -> Origin.measured(" ")).hasMessageContaining("sensor or clock");
        assertThat(Origin.measured("RAPL package-0").shortLabel()).isEqualTo("measured: RAPL package-0");
        assertThat(Origin.counted().shortLabel()).isEqualTo("counted");
        assertThat(new Origin(Provenance.ESTIMATED, "").shortLabel()).isEqualTo("estimated");
    }

    @Test
    void factoryComputesSharesSplitAndMergesWarnings() {
        Report r = ReportFixtures.factory().fromAnalysis(ReportFixtures.digits());
        assertThat(r.title()).isEqualTo("Edgewise report: digits_cnn");
        assertThat(r.createdAt()).isEqualTo("2026-11-29T10:00:00Z");
        assertThat(r.model().opsetText()).isEqualTo("ai.onnx 17, com.microsoft 1");
        assertThat(r.model().inputs()).containsExactly(new ModelSummary.TensorSummary("input", "float", "batchx1x8x8"));
        CategoryBreakdown.CategoryRow conv = r.categories().rows().get(0);
        assertThat(conv.category()).isEqualTo("conv");
        assertThat(conv.macsShare()).isEqualTo(4608.0 / 5888.0);
        assertThat(conv.paramsShare()).isEqualTo(80.0 / 1370.0);
        var split = r.categories().convFcSplit();
        assertThat(split.convMacsShare() + split.fcMacsShare() + split.otherMacsShare()).isCloseTo(1.0, within(1e-12));
        assertThat(split.fcParamsShare()).isEqualTo(1290.0 / 1370.0);
        assertThat(r.warnings()).containsExactly("importer: doc_string dropped", "layer 'flatten': shape op, no cost");
        // the flatten layer moves no arithmetic: its NaN intensity is reported as 0, which JSON can hold
        assertThat(r.layers().rows().get(3).arithmeticIntensity()).isEqualTo(0.0);
        assertThat(r.layers().topByMacs(2)).extracting(LayerRow::name).containsExactly("conv1", "fc1");
    }

    @Test
    void energyModelIsNamedShortlyAndDescribedOnce() {
        String description = "ESTIMATE (not measured) from the Horowitz 45 nm CMOS energy table [M. Horowitz, "
            + "ISSCC 2014]. Per MAC: fp32 4.6 pJ. Assumptions: arithmetic and memory only.";
        assertThat(ReportFactory.energyModelName(description))
            .isEqualTo("ESTIMATE (not measured) from the Horowitz 45 nm CMOS energy table");
        assertThat(ReportFactory.energyModelName("")).isEqualTo("energy model");
        assertThat(ReportFactory.energyModelName("x".repeat(200))).hasSize(80).endsWith("...");
        var digits = ReportFixtures.digits();
        var a = new dev.edgewise.core.analysis.ModelAnalysis(digits.graph(), digits.layers(), digits.totals(),
            digits.byCategory(), digits.warnings(), description);
        Report r = ReportFixtures.factory().fromAnalysis(a);
        assertThat(r.totals().energy().source()).isEqualTo("ESTIMATE (not measured) from the Horowitz 45 nm CMOS "
            + "energy table");
        assertThat(r.energyModel()).isEqualTo(description);
        var html = org.jsoup.Jsoup.parse(new HtmlReportWriter().render(r));
        assertThat(html.selectFirst("p#energy-model").text()).isEqualTo("Energy model: " + description);
        assertThat(new MarkdownReportWriter().render(r)).contains("<summary>Energy model</summary>",
            "Per MAC: fp32 4.6 pJ", "\\[M. Horowitz");
    }

    @Test
    void comparisonDeltasAndRegressionDirection() {
        var worse = new OptimizationSection.Comparison("Top-1", "%", 97.2, 96.4, true, Origin.counted());
        assertThat(worse.regressed()).isTrue();
        assertThat(worse.deltaPercent()).isCloseTo(-0.823, within(0.001));
        var better = new OptimizationSection.Comparison("MACs", "", 100, 50, false, Origin.counted());
        assertThat(better.regressed()).isFalse();
        assertThat(better.deltaPercent()).isEqualTo(-50.0);
        assertThat(new OptimizationSection.Comparison("x", "", 0, 5, false, Origin.counted()).deltaPercent()).isNaN();
        assertThat(Fmt.signedPercent(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void longChartLabelsKeepTheirDistinctiveEnd() {
        assertThat(SvgCharts.shorten("/features/features.2/body/body.3/Conv")).isEqualTo("...features.2/body/body.3/Conv");
        assertThat(SvgCharts.shorten("conv1")).isEqualTo("conv1");
    }

    @Test
    void formattingIsLocaleIndependent() {
        assertThat(Fmt.count(1234567)).isEqualTo("1,234,567");
        assertThat(Fmt.si(3_500_000_000L)).isEqualTo("3.50 G");
        assertThat(Fmt.si(999_999)).isEqualTo("1.00 M");
        assertThat(Fmt.si(80)).isEqualTo("80");
        assertThat(Fmt.si(2.5)).isEqualTo("2.50");
        assertThat(Fmt.bytes(512)).isEqualTo("512 B");
        assertThat(Fmt.bytes(3 * 1024 * 1024 + 200_000)).isEqualTo("3.19 MiB");
        assertThat(Fmt.percent(0.4521)).isEqualTo("45.2%");
    }
}

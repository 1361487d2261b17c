package dev.edgewise.app.gui.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.viewer.metric.LayerMetrics;
import org.junit.jupiter.api.Test;

class ChartsViewModelTest {
    @Test
    void editsReplaceThePresetFiguresAndAreMarkedAsEdited() {
        ChartsViewModel vm = new ChartsViewModel();
        var preset = vm.presetProperty().get();
        assertThat(vm.peakTextProperty().get()).isEqualTo("38.4");
        vm.peakTextProperty().set("50");
        assertThat(vm.deviceProperty().get().peakGflops()).isEqualTo(50);
        assertThat(vm.deviceProperty().get().bandwidthGBs()).isEqualTo(preset.bandwidthGBs());
        assertThat(vm.deviceProperty().get().assumption()).contains("peak edited");
        vm.bandwidthTextProperty().set("abc");
        assertThat(vm.deviceProblemProperty().get()).startsWith("Not a number");
        assertThat(vm.deviceProperty().get().peakGflops()).as("last valid device kept").isEqualTo(50);
        vm.bandwidthTextProperty().set("-3");
        assertThat(vm.deviceProblemProperty().get()).contains("positive");
        vm.presetProperty().set(vm.presets().get(1));
        assertThat(vm.deviceProblemProperty().get()).isEmpty();
        assertThat(vm.deviceProperty().get()).isEqualTo(vm.presets().get(1));
        assertThat(vm.peakTextProperty().get()).isEqualTo("96");
    }

    @Test
    void barMetricFollowsTheChoiceAndTheAnalysis() {
        ChartsViewModel vm = new ChartsViewModel();
        assertThat(vm.barMetricProperty().get()).isNull();
        vm.analysisProperty().set(Models.resnetTiny().analysis());
        assertThat(vm.barMetricProperty().get().id()).isEqualTo(LayerMetrics.MACS);
        vm.barMetricIdProperty().set(LayerMetrics.PARAMS);
        assertThat(vm.barMetricProperty().get().label()).isEqualTo("Parameters");
        assertThat(vm.barMetricProperty().get().value("fc52").getAsDouble()).isEqualTo(64 * 10 + 10);
    }
}

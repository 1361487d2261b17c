package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The energy estimate, recomputed by hand from the Horowitz 45 nm table of docs/BACKGROUND.md. */
class EnergyModelTest {
    // Horowitz, ISSCC 2014, 45 nm (pJ)
    private static final double FP32_MULT = 3.7;
    private static final double FP32_ADD = 0.9;
    private static final double INT8_MULT = 0.2;
    private static final double INT32_ADD = 0.1;
    private static final double SRAM_32BIT = 5;
    private static final double DRAM_32BIT = 640;

    @TempDir
    Path tmp;

    private static ModelAnalysis alexNetConv1(CostModel model) {
        NetBuilder n = new NetBuilder();
        n.output(n.conv("conv1", n.input("data", 1, 3, 227, 227), 96, 11, 4, 0, 1, true));
        return model.analyze(n.inferred());
    }

    @Test
    void fp32ConvEnergyFromTheTable() {
        ModelAnalysis a = alexNetConv1(CostModel.withDefaults());
        LayerCost c = a.layers().get(0);
        long macs = 105_415_200L;
        long biasAdds = 96L * 55 * 55;
        long weightWords = 34_944;                                   // fp32: one word per parameter
        long activationWords = 3L * 227 * 227 + 96L * 55 * 55;      // input read + output written
        double pj = macs * (FP32_MULT + FP32_ADD) + biasAdds * FP32_ADD
                + weightWords * DRAM_32BIT + activationWords * SRAM_32BIT;
        assertThat(c.energyUjEstimate()).isCloseTo(pj / 1e6, within(1e-6));
        assertThat(a.totals().energyUjEstimate()).isCloseTo(pj / 1e6, within(1e-6));
        assertThat(a.byCategory().get("conv").energyUjEstimate()).isCloseTo(pj / 1e6, within(1e-6));
        assertThat(a.energyModelDescription()).startsWith("ESTIMATE").contains("Horowitz 45 nm")
                .contains("DRAM").contains("SRAM").contains("fp32 4.6 pJ").contains("int8 0.3 pJ");
    }

    @Test
    void int8ConvolutionUsesInt8MultipliesWithInt32Accumulation() {
        NetBuilder n = new NetBuilder().type(DataType.UINT8);
        String x = n.input("x", 1, 16, 10, 10);
        n.output(n.node("qconv", "ConvInteger", List.of(x, n.weight("w", DataType.INT8, 32, 16, 3, 3)),
                new long[] {1, 32, 8, 8}, DataType.INT32));
        LayerCost c = CostModel.withDefaults().analyze(n.inferred()).layers().get(0);
        long macs = 32L * 8 * 8 * 16 * 9;
        double weightWords = 32 * 16 * 9 / 4.0;                     // int8: four per 32-bit word
        double activationWords = 16 * 10 * 10 / 4.0 + 32 * 8 * 8;  // uint8 in, int32 out
        double pj = macs * (INT8_MULT + INT32_ADD) + weightWords * DRAM_32BIT + activationWords * SRAM_32BIT;
        assertThat(c.energyUjEstimate()).isCloseTo(pj / 1e6, within(1e-9));
    }

    @Test
    void aUserTableForAnotherNodeReplacesTheDefault() throws Exception {
        String json;
        try (InputStream in = EnergyModel.class.getResourceAsStream(EnergyModel.DEFAULT_RESOURCE)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path custom = tmp.resolve("node7.json");
        Files.writeString(custom, json.replace("\"dram_access_32bit\": 640.0", "\"dram_access_32bit\": 100.0")
                .replace("\"fp32_mult\": 3.7", "\"fp32_mult\": 1.1"));
        ModelAnalysis base = alexNetConv1(CostModel.withDefaults());
        ModelAnalysis other = alexNetConv1(CostModel.withDefaults().withEnergyModel(custom));
        long macs = 105_415_200L;
        double deltaPj = macs * (3.7 - 1.1) + 34_944 * (640.0 - 100.0);
        assertThat(base.totals().energyUjEstimate() - other.totals().energyUjEstimate())
                .isCloseTo(deltaPj / 1e6, within(1e-6));
        assertThat(other.totals().macs()).isEqualTo(base.totals().macs());
    }

    @Test
    void brokenTablesAreRejectedNamingFileAndKey() throws Exception {
        Path notJson = tmp.resolve("broken.json");
        Files.writeString(notJson, "{ not json");
        assertThatThrownBy(() -> EnergyModel.load(notJson)).isInstanceOf(EdgewiseException.class)
                .hasMessageContaining("broken.json").hasMessageContaining("not valid JSON");

        Path badRef = tmp.resolve("badref.json");
        String json;
        try (InputStream in = EnergyModel.class.getResourceAsStream(EnergyModel.DEFAULT_RESOURCE)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(badRef, json.replace("[\"fp16_mult\", \"fp16_add\"]", "[\"fp16_fma\"]"));
        assertThatThrownBy(() -> EnergyModel.load(badRef)).hasMessageContaining("badref.json")
                .hasMessageContaining("precisions.fp16.mac names 'fp16_fma'");

        assertThatThrownBy(() -> CostModel.withDefaults().withEnergyModel(tmp.resolve("missing.json")))
                .isInstanceOf(EdgewiseException.class).hasMessageContaining("missing.json");
    }

    @Test
    void precisionFollowsTheFirstInputType() {
        EnergyModel e = EnergyModel.defaults();
        assertThat(e.precisionOf(DataType.FLOAT).name()).isEqualTo("fp32");
        assertThat(e.precisionOf(DataType.FLOAT16).name()).isEqualTo("fp16");
        assertThat(e.precisionOf(DataType.UINT8).name()).isEqualTo("int8");
        assertThat(e.precisionOf(DataType.UNDEFINED).name()).isEqualTo("fp32");
        assertThat(e.precisionOf(DataType.FLOAT16).macPj()).isCloseTo(1.0 + 0.4, within(1e-12));
        assertThat(e.constantPjPerByte()).isCloseTo(DRAM_32BIT / 4, within(1e-12));
        assertThat(e.activationPjPerByte()).isCloseTo(SRAM_32BIT / 4, within(1e-12));
    }
}

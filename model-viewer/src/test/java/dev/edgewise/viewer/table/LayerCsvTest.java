package dev.edgewise.viewer.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.viewer.TestAnalyses;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerCsvTest {
    @Test
    void writesRawNumbersWithProvenanceInHeaderAndBlankCellsForUncountedLayers() throws Exception {
        var a = TestAnalyses.threeLayers();
        List<LayerRow> rows = new ArrayList<>(LayerRow.rowsOf(a));
        rows.add(LayerRow.totalOf(a));
        StringWriter w = new StringWriter();
        LayerCsv.write(rows, w);
        String[] lines = w.toString().split("\r\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).startsWith("index,name,op,category,output_shapes,params_counted,macs_counted")
            .contains("energy_uj_estimated");
        assertThat(lines[1]).startsWith("1,conv1,Conv,conv,1x16x32x32,1728,1769472,3538944,6912,65536,");
        assertThat(lines[2]).isEqualTo("2,mystery,CustomOp,other,?,,,,,,,,false,unknown op CustomOp");
        assertThat(lines[4]).startsWith(",Total (3 layers),,,,6848,1774592,");
    }

    @Test
    void quotesCellsContainingTheSeparatorOrQuotes() {
        assertThat(LayerCsv.quote("a,b", ',')).isEqualTo("\"a,b\"");
        assertThat(LayerCsv.quote("say \"hi\"", ',')).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(LayerCsv.quote("a,b", '\t')).isEqualTo("a,b");
    }

    @Test
    void tabSeparatedCopyHasOneLinePerRowPlusHeader() {
        String tsv = LayerCsv.toTabSeparated(LayerRow.rowsOf(TestAnalyses.threeLayers()).subList(0, 1));
        assertThat(tsv.split("\r\n")).hasSize(2);
        assertThat(tsv.split("\r\n")[1].split("\t")[1]).isEqualTo("conv1");
    }

    @Test
    void rowsCarrySharesOfTheModelTotals() {
        List<LayerRow> rows = LayerRow.rowsOf(TestAnalyses.threeLayers());
        assertThat(rows.get(0).macShare()).isEqualTo(1_769_472.0 / 1_774_592.0);
        assertThat(rows.get(2).paramShare()).isEqualTo(5120.0 / 6848.0);
        assertThat(rows.get(1).hasCounts()).isFalse();
    }
}

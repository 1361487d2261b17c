package dev.edgewise.viewer.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.viewer.TestAnalyses;
import java.util.List;
import org.junit.jupiter.api.Test;

class CategorySharesTest {
    @Test
    void convVersusFullyConnectedSplitOfParamsAndMacs() {
        List<CategoryShares> s = CategoryShares.of(TestAnalyses.threeLayers());
        assertThat(s).extracting(CategoryShares::category).containsExactly("conv", "fc");
        assertThat(s.get(0).macShare()).isEqualTo(1_769_472.0 / 1_774_592.0);
        assertThat(s.get(1).paramShare()).isEqualTo(5120.0 / 6848.0);
        assertThat(s.stream().mapToDouble(CategoryShares::paramShare).sum()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    }
}

package dev.edgewise.viewer.table;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.ModelAnalysis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Each category's share of the model's params and MACs (the conv vs fully-connected split). */
public record CategoryShares(String category, int layers, long params, long macs, double paramShare,
                             double macShare) {

    /** Largest MAC share first; categories with neither params nor MACs are left out. */
    public static List<CategoryShares> of(ModelAnalysis analysis) {
        long totalParams = analysis.byCategory().values().stream().mapToLong(CategoryTotals::params).sum();
        long totalMacs = analysis.byCategory().values().stream().mapToLong(CategoryTotals::macs).sum();
        List<CategoryShares> out = new ArrayList<>();
        for (CategoryTotals c : analysis.byCategory().values()) {
            if (c.params() == 0 && c.macs() == 0) {
                continue;
            }
            out.add(new CategoryShares(c.category(), c.layers(), c.params(), c.macs(),
                totalParams > 0 ? (double) c.params() / totalParams : 0,
                totalMacs > 0 ? (double) c.macs() / totalMacs : 0));
        }
        out.sort(Comparator.comparingDouble(CategoryShares::macShare).reversed()
            .thenComparing(Comparator.comparingDouble(CategoryShares::paramShare).reversed()));
        return out;
    }
}

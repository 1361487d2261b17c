package dev.edgewise.core.report;

import java.util.List;
import java.util.Objects;

/**
 * Sums per layer category with each category's share of the model's params and MACs, and the
 * convolution versus fully-connected split that decides whether pruning conv or fc pays off more.
 */
public record CategoryBreakdown(List<CategoryRow> rows, ConvFcSplit convFcSplit, Origin counts, Origin energy) {
    public CategoryBreakdown {
        rows = List.copyOf(rows == null ? List.of() : rows);
        Objects.requireNonNull(convFcSplit, "convFcSplit");
        Objects.requireNonNull(counts, "counts origin");
        Objects.requireNonNull(energy, "energy origin");
    }

    /** Shares are fractions in [0, 1] of the model totals. */
    public record CategoryRow(String category, int layers, long params, long macs, long flops, long weightBytes,
                              double energyUj, double paramsShare, double macsShare) {
        public CategoryRow {
            category = ModelSummary.nonNull(category);
        }
    }

    /** Fractions of the model's params and MACs held by conv layers, fc layers and everything else. */
    public record ConvFcSplit(double convParamsShare, double fcParamsShare, double otherParamsShare,
                              double convMacsShare, double fcMacsShare, double otherMacsShare) {
    }
}

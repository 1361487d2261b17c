package dev.edgewise.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.testing.Digits;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MagnitudePruningTest {

    @Test
    void globalThresholdZeroesExactlyTheSmallestMagnitudesAcrossLayers() throws Exception {
        Graph g = Digits.cnn();
        List<WeightLayer> layers = WeightLayer.find(g);
        float[] before = concat(g, g, layers);
        PassResult r = MagnitudePruning.apply(g, PruneSpec.global(0.8));
        float[] after = concat(g, r.graph(), layers);

        long zeros = 0;
        float maxZeroed = 0;
        float minKept = Float.MAX_VALUE;
        for (int i = 0; i < after.length; i++) {
            if (after[i] == 0) {
                zeros++;
                maxZeroed = Math.max(maxZeroed, Math.abs(before[i]));
            } else {
                assertThat(after[i]).isEqualTo(before[i]);
                minKept = Math.min(minKept, Math.abs(before[i]));
            }
        }
        assertThat(zeros).isEqualTo(Math.round(0.8 * after.length));
        assertThat(maxZeroed).isLessThanOrEqualTo(minKept);
        // the original graph is untouched
        assertThat(concat(g, g, layers)).containsExactly(before);
        long nnz = r.layers().stream().mapToLong(LayerStats::nonZeros).sum();
        assertThat(nnz).isEqualTo(after.length - zeros);
    }

    @Test
    void perLayerTargetsAndExclusions() throws Exception {
        Graph g = Digits.cnn();
        String fc1 = "/classifier/classifier.1/Gemm";
        PassResult r = MagnitudePruning.apply(g, new PruneSpec(0.5, Map.of(fc1, 0.9), Set.of(), Set.of("conv")));
        Map<String, LayerStats> by = new java.util.HashMap<>();
        r.layers().forEach(s -> by.put(s.layer(), s));
        assertThat(by.get(fc1).sparsity()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(by.get("/features/features.0/Conv").sparsity()).isZero();
        assertThat(by.get("/features/features.3/Conv").sparsity()).isZero();
        assertThat(by.get("/classifier/classifier.3/Gemm").sparsity()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3));
        // fc1 is 64 x 288: CSR has int16 column indices (288 > 256) and 65 int32 row pointers
        long nnz = by.get(fc1).nonZeros();
        assertThat(by.get(fc1).csrBytes()).isEqualTo(nnz * (4 + 2) + 65 * 4);
        assertThat(by.get(fc1).denseBytes()).isEqualTo(64 * 288 * 4);
    }

    @Test
    void tiesAtTheThresholdAreBrokenDeterministically() {
        float[] w = {1, -1, 1, 2, -2, 3, 1, 0.5f};
        MagnitudePruning.zeroSmallest(List.of(w), 0.5);
        assertThat(w).containsExactly(0, 0, 0, 2, -2, 3, 1, 0);
    }

    @Test
    void matchesSortingOnRandomData() {
        SplittableRandom r = new SplittableRandom(7);
        float[] a = new float[3_000_001];
        float[] b = new float[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (r.nextGaussian() * 10);
        }
        float[] all = new float[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        float[] mags = new float[all.length];
        for (int i = 0; i < all.length; i++) {
            mags[i] = Math.abs(all[i]);
        }
        Arrays.sort(mags);
        long k = Math.round(0.9 * all.length);
        MagnitudePruning.zeroSmallest(List.of(a, b), 0.9);
        long zeros = 0;
        for (float v : a) {
            zeros += v == 0 ? 1 : 0;
            assertThat(v == 0 || Math.abs(v) >= mags[(int) k - 1]).isTrue();
        }
        for (float v : b) {
            zeros += v == 0 ? 1 : 0;
        }
        assertThat(zeros).isEqualTo(k);
    }

    @Test
    void rejectsSparsityOutsideTheUnitInterval() {
        assertThatThrownBy(() -> PruneSpec.global(1.0)).hasMessageContaining("[0, 1)");
    }

    private static float[] concat(Graph original, Graph g, List<WeightLayer> layers) {
        int n = 0;
        for (WeightLayer l : layers) {
            n += (int) original.initializer(l.weight()).numElements();
        }
        float[] out = new float[n];
        int pos = 0;
        for (WeightLayer l : layers) {
            float[] v = g.initializer(l.weight()).toFloats();
            System.arraycopy(v, 0, out, pos, v.length);
            pos += v.length;
        }
        return out;
    }
}

package dev.edgewise.core.zoo;

import dev.edgewise.core.ir.Graph;
import java.util.ArrayList;
import java.util.List;

/**
 * Architecture-shaped networks built programmatically with seeded random weights: the shapes of
 * the classic models (VGG-16, ResNet-18, MobileNetV2, GoogLeNet, ShuffleNetV2, DenseNet-121) for
 * tests, benchmarks and examples. Weights are random: accuracy figures on them mean nothing.
 */
public final class ModelZoo {
    private ModelZoo() {
    }

    /** VGG-16 (configuration D) at 224x224: 138.36 M params, 15.47 G MACs. */
    public static Graph vgg16(long seed) {
        NetBuilder b = new NetBuilder("vgg16", seed);
        String x = b.input("input", 1, 3, 224, 224);
        int[][] stages = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
        long c = 3;
        for (int[] s : stages) {
            for (int i = 0; i < s[1]; i++) {
                x = b.relu(b.conv(x, c, s[0], 3, 1, 1, 1));
                c = s[0];
            }
            x = b.maxPool(x, 2, 2, 0);
        }
        x = b.flatten(x);
        x = b.relu(b.gemm(x, 512 * 7 * 7, 4096));
        x = b.relu(b.gemm(x, 4096, 4096));
        return b.build(b.softmax(b.gemm(x, 4096, 1000)));
    }

    /** ResNet-18 at the given square input size (224 for the published 1.82 G MACs). */
    public static Graph resnet18(long seed, int size, int classes) {
        NetBuilder b = new NetBuilder("resnet18", seed);
        String x = b.input("input", 1, 3, size, size);
        x = b.maxPool(b.relu(b.batchNorm(b.conv(x, 3, 64, 7, 7, 2, 3, 1, false), 64)), 3, 2, 1);
        long c = 64;
        for (long width : new long[] {64, 128, 256, 512}) {
            for (int block = 0; block < 2; block++) {
                int stride = (block == 0 && width != 64) ? 2 : 1;
                String y = b.relu(b.batchNorm(b.conv(x, c, width, 3, 3, stride, 1, 1, false), width));
                y = b.batchNorm(b.conv(y, width, width, 3, 3, 1, 1, 1, false), width);
                String shortcut = x;
                if (stride != 1 || c != width) {
                    shortcut = b.batchNorm(b.conv(x, c, width, 1, 1, stride, 0, 1, false), width);
                }
                x = b.relu(b.add(y, shortcut));
                c = width;
            }
        }
        return b.build(b.gemm(b.flatten(b.globalAvgPool(x)), 512, classes));
    }

    /** MobileNetV2 (width 1.0): inverted residuals with depthwise 3x3 convs and ReLU6. */
    public static Graph mobilenetV2(long seed, int size, int classes) {
        NetBuilder b = new NetBuilder("mobilenetv2", seed);
        String x = b.input("input", 1, 3, size, size);
        x = b.relu6(b.batchNorm(b.conv(x, 3, 32, 3, 3, 2, 1, 1, false), 32));
        int[][] cfg = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
        long c = 32;
        for (int[] s : cfg) {
            for (int i = 0; i < s[2]; i++) {
                int stride = i == 0 ? s[3] : 1;
                long hidden = c * s[0];
                String y = x;
                if (s[0] != 1) {
                    y = b.relu6(b.batchNorm(b.conv(y, c, hidden, 1, 1, 1, 0, 1, false), hidden));
                }
                y = b.relu6(b.batchNorm(b.conv(y, hidden, hidden, 3, 3, stride, 1, (int) hidden, false), hidden));
                y = b.batchNorm(b.conv(y, hidden, s[1], 1, 1, 1, 0, 1, false), s[1]);
                x = (stride == 1 && c == s[1]) ? b.add(x, y) : y;
                c = s[1];
            }
        }
        x = b.relu6(b.batchNorm(b.conv(x, c, 1280, 1, 1, 1, 0, 1, false), 1280));
        return b.build(b.gemm(b.flatten(b.globalAvgPool(x)), 1280, classes));
    }

    /** GoogLeNet-shaped: stem, nine Inception modules with 1x1/3x3/5x5/pool-projection branches. */
    public static Graph googlenet(long seed, int size, int classes) {
        NetBuilder b = new NetBuilder("googlenet", seed);
        String x = b.input("input", 1, 3, size, size);
        x = b.maxPool(b.relu(b.conv(x, 3, 64, 7, 7, 2, 3, 1, true)), 3, 2, 1);
        x = b.relu(b.conv(x, 64, 64, 1, 1, 1, 0, 1, true));
        x = b.maxPool(b.relu(b.conv(x, 64, 192, 3, 3, 1, 1, 1, true)), 3, 2, 1);
        int[][] mods = {{64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64}, {0}, {192, 96, 208, 16, 48, 64},
            {160, 112, 224, 24, 64, 64}, {128, 128, 256, 24, 64, 64}, {112, 144, 288, 32, 64, 64},
            {256, 160, 320, 32, 128, 128}, {0}, {256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}};
        long c = 192;
        for (int[] m : mods) {
            if (m.length == 1) {
                x = b.maxPool(x, 3, 2, 1);
                continue;
            }
            List<String> branches = new ArrayList<>();
            branches.add(b.relu(b.conv(x, c, m[0], 1, 1, 1, 0, 1, true)));
            branches.add(b.relu(b.conv(b.relu(b.conv(x, c, m[1], 1, 1, 1, 0, 1, true)), m[1], m[2], 3, 3, 1, 1, 1, true)));
            branches.add(b.relu(b.conv(b.relu(b.conv(x, c, m[3], 1, 1, 1, 0, 1, true)), m[3], m[4], 5, 5, 1, 2, 1, true)));
            branches.add(b.relu(b.conv(b.maxPool(x, 3, 1, 1), c, m[5], 1, 1, 1, 0, 1, true)));
            x = b.concat(branches);
            c = (long) m[0] + m[2] + m[4] + m[5];
        }
        return b.build(b.gemm(b.flatten(b.globalAvgPool(x)), c, classes));
    }

    /** ShuffleNet-shaped: grouped 1x1 convs, depthwise 3x3 and channel shuffles (Reshape/Transpose). */
    public static Graph shufflenet(long seed, int size, int classes) {
        NetBuilder b = new NetBuilder("shufflenet", seed);
        String x = b.input("input", 1, 3, size, size);
        x = b.maxPool(b.relu(b.batchNorm(b.conv(x, 3, 24, 3, 3, 2, 1, 1, false), 24)), 3, 2, 1);
        long c = 24;
        long hw = size / 4;
        int groups = 4;
        for (long width : new long[] {128, 256, 512}) {
            for (int unit = 0; unit < 3; unit++) {
                int stride = unit == 0 ? 2 : 1;
                long outHw = stride == 2 ? (hw + 1) / 2 : hw;
                int g1 = c % groups == 0 ? groups : 1;
                String y = b.relu(b.batchNorm(b.conv(x, c, width, 1, 1, 1, 0, g1, false), width));
                y = b.channelShuffle(y, 1, width, hw, hw, groups);
                y = b.batchNorm(b.conv(y, width, width, 3, 3, stride, 1, (int) width, false), width);
                y = b.batchNorm(b.conv(y, width, width, 1, 1, 1, 0, groups, false), width);
                String shortcut = stride == 1 && c == width ? x : b.batchNorm(b.conv(x, c, width, 1, 1, stride, 0, 1, false), width);
                x = b.relu(b.add(y, shortcut));
                c = width;
                hw = outHw;
            }
        }
        return b.build(b.gemm(b.flatten(b.globalAvgPool(x)), c, classes));
    }

    /** DenseNet-121: four dense blocks (6, 12, 24, 16 layers, growth 32) and transitions; ~600 nodes. */
    public static Graph densenet121(long seed, int size, int classes) {
        NetBuilder b = new NetBuilder("densenet121", seed);
        String x = b.input("input", 1, 3, size, size);
        x = b.maxPool(b.relu(b.batchNorm(b.conv(x, 3, 64, 7, 7, 2, 3, 1, false), 64)), 3, 2, 1);
        long c = 64;
        int[] blocks = {6, 12, 24, 16};
        for (int bi = 0; bi < blocks.length; bi++) {
            List<String> features = new ArrayList<>(List.of(x));
            for (int l = 0; l < blocks[bi]; l++) {
                String in = features.size() == 1 ? features.get(0) : b.concat(features);
                String y = b.conv(b.relu(b.batchNorm(in, c)), c, 128, 1, 1, 1, 0, 1, false);
                y = b.conv(b.relu(b.batchNorm(y, 128)), 128, 32, 3, 3, 1, 1, 1, false);
                features.add(y);
                c += 32;
            }
            x = b.concat(features);
            if (bi < blocks.length - 1) {
                x = b.avgPool(b.conv(b.relu(b.batchNorm(x, c)), c, c / 2, 1, 1, 1, 0, 1, false), 2, 2, 0);
                c /= 2;
            }
        }
        x = b.relu(b.batchNorm(x, c));
        return b.build(b.gemm(b.flatten(b.globalAvgPool(x)), c, classes));
    }
}

package dev.edgewise.plugin.caffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.BlobProto;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.BlobShape;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.LayerParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.NetParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.V1LayerParameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaffeImporterTest {
    @TempDir
    Path tmp;

    private static Path res(String name) throws Exception {
        return CaffeCorpusTest.corpus().resolve(name);
    }

    static long params(Graph g) {
        return g.initializers().values().stream().filter(t -> t.dataType().isFloatingPoint())
            .mapToLong(TensorData::numElements).sum();
    }

    @Test
    void alexNetHasThePublishedParameterCountWithoutWeightsAndNeverAllocatesThem() throws Exception {
        Graph g = new CaffeImporter().load(res("alexnet_deploy.prototxt"), ImportOptions.DEFAULT);
        // conv1..5 (groups 1,2,1,2,2) + fc6..8 with biases: 60,965,224 (Krizhevsky et al. 2012).
        assertThat(params(g)).isEqualTo(60_965_224L);
        assertThat(g.initializers().values()).noneMatch(TensorData::isLoaded);
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(10, 3, 227, 227));
        Node conv2 = g.node("conv2").orElseThrow();
        assertThat(conv2.attrInt("group", 1)).isEqualTo(2);
        assertThat(g.initializer(conv2.input(1)).shape()).isEqualTo(Shape.of(256, 48, 5, 5));
        assertThat(g.tensor("pool1").orElseThrow().shape()).isEqualTo(Shape.of(10, 96, 27, 27));
        assertThat(g.tensor("pool5").orElseThrow().shape()).isEqualTo(Shape.of(10, 256, 6, 6));
        assertThat(g.node("pool1").orElseThrow().attrInt("ceil_mode", 0)).isEqualTo(1);
        assertThat(g.node("fc6").orElseThrow().opType()).isEqualTo("Gemm");
        assertThat(g.initializer(g.node("fc6").orElseThrow().input(1)).shape()).isEqualTo(Shape.of(4096, 9216));
        TensorData w = g.initializer("conv1_weight");
        assertThat(w.bytes().remaining()).isEqualTo(96 * 3 * 11 * 11 * 4);
        assertThat(w.toFloats()).containsOnly(0f);
    }

    @Test
    void batchOptionReplacesTheDeployBatchAndBadValuesAreRejected() throws Exception {
        Graph g = new CaffeImporter().load(res("alexnet_deploy.prototxt"), new ImportOptions(Map.of("batch", "1")));
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(1, 3, 227, 227));
        assertThat(g.tensor("prob").orElseThrow().shape()).isEqualTo(Shape.of(1, 1000));
        assertThatThrownBy(() -> new CaffeImporter().load(res("alexnet_deploy.prototxt"),
            new ImportOptions(Map.of("batch", "zero")))).isInstanceOf(EdgewiseException.class)
            .hasMessageContaining("batch='zero'");
    }

    @Test
    void legacyV1LayersConvertLikeTheNewForm() throws Exception {
        Graph g = new CaffeImporter().load(res("lenet_v1.prototxt"), ImportOptions.DEFAULT);
        assertThat(g.nodes()).extracting(Node::name)
            .containsExactly("conv1", "pool1", "conv2", "pool2", "ip1_flatten", "ip1", "relu1", "ip2", "prob");
        assertThat(g.initializer("ip1_weight").shape()).isEqualTo(Shape.of(500, 800));
        assertThat(params(g)).isEqualTo(20 * 25 + 20 + 50 * 20 * 25 + 50 + 500 * 800 + 500 + 10 * 500 + 10);
        assertThat(g.warnings()).anyMatch(w -> w.contains("'loss'") && w.contains("TRAIN phase only"));
    }

    @Test
    void everyLayerKindMapsToTheExpectedOpAndShape() throws Exception {
        Graph g = new CaffeImporter().load(res("mixed_ops.prototxt"), ImportOptions.DEFAULT);
        Node bn = g.node("bn1").orElseThrow();
        assertThat(bn.opType()).isEqualTo("BatchNormalization");
        assertThat(bn.attrString("caffe_fused_scale", "")).isEqualTo("scale1");
        assertThat(g.node("scale1")).isEmpty();
        assertThat(g.node("dil").orElseThrow().attrInts("dilations")).containsExactly(2, 2);
        assertThat(g.initializer("dil_weight").shape()).isEqualTo(Shape.of(16, 1, 3, 3));
        assertThat(g.initializer("prelu_slope").shape()).isEqualTo(Shape.of(16, 1, 1));
        assertThat(g.node("sum").orElseThrow().opType()).isEqualTo("Add");
        Node slice = g.node("slice").orElseThrow();
        assertThat(slice.opType()).isEqualTo("Split");
        assertThat(g.initializer(slice.input(1)).toLongs()).containsExactly(4, 12);
        assertThat(g.node("leaky").orElseThrow().attrFloat("alpha", 0)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        // 32 + 2 - 3 = 31, ceil(31 / 2) + 1 = 17: Caffe rounds up where ONNX's default floors to 16.
        assertThat(g.tensor("pool").orElseThrow().shape()).isEqualTo(Shape.of(1, 16, 17, 17));
        assertThat(g.node("gpool").orElseThrow().opType()).isEqualTo("GlobalMaxPool");
        assertThat(g.tensor("reshaped").orElseThrow().shape()).isEqualTo(Shape.of(1, 289, 16));
        assertThat(g.node("ip_flatten").orElseThrow().attrInt("axis", 0)).isEqualTo(1);
        // InnerProduct flattens from axis 1: 289 x 16 values per sample.
        assertThat(g.initializer("ip_weight").shape()).isEqualTo(Shape.of(10, 289 * 16));
        assertThat(g.tensor("prob").orElseThrow().shape()).isEqualTo(Shape.of(1, 10));
        assertThat(g.node("split1").orElseThrow().opType()).isEqualTo("Identity");
        assertThat(g.node("bnonly").orElseThrow().opType()).isEqualTo("BatchNormalization");
    }

    @Test
    void pooledSizeFollowsCaffeRoundingIncludingTheLastWindowRule() {
        assertThat(CaffeLayers.pooledSize(55, 3, 0, 2, true)).isEqualTo(27);
        assertThat(CaffeLayers.pooledSize(6, 2, 0, 2, true)).isEqualTo(3);
        assertThat(CaffeLayers.pooledSize(7, 2, 0, 2, true)).isEqualTo(4);
        assertThat(CaffeLayers.pooledSize(7, 2, 0, 2, false)).isEqualTo(3);
        // pad 1, kernel 2, stride 2 on 4: ceil gives 4 windows, the last would start in the right pad only.
        assertThat(CaffeLayers.pooledSize(4, 2, 1, 2, true)).isEqualTo(3);
    }

    /** A small net and its .caffemodel (V1 layers, as old zoo files are) built here with known values. */
    private Path writeNetWithWeights(float[] convW, int bnFactorBlobCount) throws Exception {
        Path proto = tmp.resolve("small.prototxt");
        Files.writeString(proto, """
            input: "data"
            input_shape { dim: 1 dim: 2 dim: 4 dim: 4 }
            layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
              convolution_param { num_output: 2 kernel_size: 1 } }
            layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" }
            layer { name: "sc" type: "Scale" bottom: "conv" top: "conv" scale_param { bias_term: true } }
            layer { name: "fc" type: "InnerProduct" bottom: "conv" top: "fc" inner_product_param { num_output: 3 } }
            """);
        NetParameter.Builder w = NetParameter.newBuilder().setName("small");
        w.addLayers(V1LayerParameter.newBuilder().setName("conv").setType(V1LayerParameter.LayerType.CONVOLUTION)
            .addBlobs(legacyBlob(2, 2, 1, 1, convW)).addBlobs(blob(new float[] {0.5f, -0.5f}, 2)));
        NetParameter.Builder w2 = NetParameter.newBuilder();
        w2.addLayer(LayerParameter.newBuilder().setName("bn").setType("BatchNorm")
            .addBlobs(blob(new float[] {2f, 4f}, 2)).addBlobs(blob(new float[] {8f, 8f}, 2))
            .addAllBlobs(bnFactorBlobCount > 0 ? List.of(blob(new float[] {2f}, 1)) : List.of()));
        w2.addLayer(LayerParameter.newBuilder().setName("sc").setType("Scale")
            .addBlobs(blob(new float[] {1f, 1f}, 2)).addBlobs(blob(new float[] {0f, 0f}, 2)));
        float[] fc = new float[3 * 32];
        Arrays.fill(fc, 0.25f);
        w2.addLayer(LayerParameter.newBuilder().setName("fc").setType("InnerProduct")
            .addBlobs(blob(fc, 3, 32)).addBlobs(blob(new float[3], 3)));
        // Real caffemodels are either form; merging both here exercises the V1 upgrade and the new form.
        NetParameter merged = NetParameter.newBuilder().mergeFrom(w.build()).mergeFrom(w2.build()).build();
        Path model = tmp.resolve("small.caffemodel");
        Files.write(model, merged.toByteArray());
        return proto;
    }

    private static BlobProto blob(float[] v, long... shape) {
        BlobShape.Builder s = BlobShape.newBuilder();
        for (long d : shape) {
            s.addDim(d);
        }
        BlobProto.Builder b = BlobProto.newBuilder().setShape(s);
        for (float f : v) {
            b.addData(f);
        }
        return b.build();
    }

    private static BlobProto legacyBlob(int n, int c, int h, int w, float[] v) {
        BlobProto.Builder b = BlobProto.newBuilder().setNum(n).setChannels(c).setHeight(h).setWidth(w);
        for (float f : v) {
            b.addData(f);
        }
        return b.build();
    }

    @Test
    void caffemodelNextToThePrototxtSuppliesTheWeights() throws Exception {
        Path proto = writeNetWithWeights(new float[] {1f, 2f, 3f, 4f}, 1);
        Graph g = new CaffeImporter().load(proto, ImportOptions.DEFAULT);
        assertThat(g.initializer("conv_weight").toFloats()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(g.initializer("conv_bias").toFloats()).containsExactly(0.5f, -0.5f);
        // Caffe stores mean and variance multiplied by the moving-average factor (blob 2).
        assertThat(g.initializer("bn_mean").toFloats()).containsExactly(1f, 2f);
        assertThat(g.initializer("bn_var").toFloats()).containsExactly(4f, 4f);
        assertThat(g.initializer("fc_weight").toFloats()).containsOnly(0.25f);
        assertThat(g.metadata().properties().get("weights")).endsWith("small.caffemodel");
        assertThat(g.warnings()).isEmpty();
    }

    @Test
    void weightCountMismatchNamesTheWeightsFileAndLayer() throws Exception {
        Path proto = writeNetWithWeights(new float[] {1f, 2f, 3f}, 1);
        assertThatThrownBy(() -> new CaffeImporter().load(proto, ImportOptions.DEFAULT))
            .isInstanceOfSatisfying(EdgewiseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_MODEL))
            .hasMessageContaining("small.caffemodel").hasMessageContaining("layer 'conv' blob 0")
            .hasMessageContaining("holds 3 values");
    }

    @Test
    void truncatedCaffemodelIsReportedAsTruncated() throws Exception {
        Path proto = writeNetWithWeights(new float[] {1f, 2f, 3f, 4f}, 1);
        Path model = tmp.resolve("small.caffemodel");
        byte[] all = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(all, all.length - 7));
        assertThatThrownBy(() -> new CaffeImporter().load(proto, ImportOptions.DEFAULT))
            .isInstanceOfSatisfying(EdgewiseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED))
            .hasMessageContaining("small.caffemodel");
    }

    @Test
    void explicitMissingWeightsFileIsAnError() throws Exception {
        assertThatThrownBy(() -> new CaffeImporter().load(res("lenet_v1.prototxt"),
            new ImportOptions(Map.of("weights", tmp.resolve("none.caffemodel").toString()))))
            .isInstanceOfSatisfying(EdgewiseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_NOT_FOUND))
            .hasMessageContaining("none.caffemodel");
    }

    @Test
    void sniffRejectsOtherFormatsAndOnnxSamples() throws Exception {
        CaffeImporter imp = new CaffeImporter();
        Path samples = Path.of(System.getProperty("edgewise.samples"));
        List<Path> foreign = new java.util.ArrayList<>(CaffeCorpusTest.listFiles(samples.resolve("models")));
        foreign.addAll(CaffeCorpusTest.listFiles(samples.resolve("corpus")));
        for (String other : List.of("tensorflow", "tflite", "mxnet")) {
            foreign.addAll(CaffeCorpusTest.listFiles(Path.of("..", other, "src", "test", "resources")));
        }
        foreign.add(tmp.resolve("does-not-exist.prototxt"));
        Path caffemodel = tmp.resolve("w.caffemodel");
        Files.write(caffemodel, NetParameter.newBuilder().setName("x").build().toByteArray());
        foreign.add(caffemodel);
        assertThat(foreign).hasSizeGreaterThan(5);
        for (Path p : foreign) {
            assertThat(imp.sniff(p)).as("sniff must not claim " + p).isFalse();
        }
        assertThat(imp.sniff(res("alexnet_deploy.prototxt"))).isTrue();
    }
}

package dev.edgewise.plugin.caffe;

import static dev.edgewise.plugin.caffe.CaffeGraphConverter.list;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.BlobProto;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.ConvolutionParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.EltwiseParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.InnerProductParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.LayerParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.PoolingParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.ReshapeParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.SliceParameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** One method per Caffe layer type: ONNX-style nodes, parameter tensors and output shapes. */
final class CaffeLayers {
    private static final Set<String> TRAIN_ONLY = Set.of("Accuracy", "SoftmaxWithLoss", "EuclideanLoss", "HingeLoss",
        "InfogainLoss", "MultinomialLogisticLoss", "SigmoidCrossEntropyLoss", "ContrastiveLoss", "Silence");
    private static final Set<String> DATA = Set.of("Data", "ImageData", "MemoryData", "HDF5Data", "WindowData",
        "DummyData", "Python");
    static final List<String> SUPPORTED = List.of("Input", "Convolution", "InnerProduct", "Pooling", "LRN", "ReLU",
        "PReLU", "Sigmoid", "TanH", "Dropout", "Concat", "Eltwise", "BatchNorm", "Scale", "Softmax", "Flatten",
        "Reshape", "Split", "Slice", "Deconvolution", "ELU", "AbsVal", "Bias");

    private final CaffeGraphConverter c;

    CaffeLayers(CaffeGraphConverter c) {
        this.c = c;
    }

    /** Converts one layer; returns true when it also consumed {@code next} (a Scale fused into BatchNorm). */
    boolean convert(LayerParameter l, LayerParameter next) throws EdgewiseException {
        switch (l.getType()) {
            case "Input" -> input(l);
            case "Convolution" -> conv(l);
            case "Deconvolution" -> deconv(l);
            case "ELU" -> elu(l);
            case "AbsVal" -> unary(l, "Abs");
            case "Bias" -> bias(l);
            case "InnerProduct" -> innerProduct(l);
            case "Pooling" -> pooling(l);
            case "LRN" -> lrn(l);
            case "ReLU" -> relu(l);
            case "PReLU" -> prelu(l);
            case "Sigmoid" -> unary(l, "Sigmoid");
            case "TanH" -> unary(l, "Tanh");
            case "Dropout" -> unary(l, "Dropout");
            case "Concat" -> concat(l);
            case "Eltwise" -> eltwise(l);
            case "BatchNorm" -> {
                return batchNorm(l, next);
            }
            case "Scale" -> scale(l);
            case "Softmax" -> softmax(l);
            case "Flatten" -> flatten(l);
            case "Reshape" -> reshape(l);
            case "Split" -> split(l);
            case "Slice" -> slice(l);
            default -> other(l);
        }
        return false;
    }

    private void other(LayerParameter l) throws EdgewiseException {
        if (TRAIN_ONLY.contains(l.getType()) || l.getType().endsWith("Loss")) {
            c.warn("layer '" + l.getName() + "' (" + l.getType() + ") is for training only; skipped");
            return;
        }
        if (DATA.contains(l.getType())) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, c.layerError(l, "data layers do not state the input"
                + " shape; use the deploy prototxt (with input/input_shape or an Input layer)").getMessage());
        }
        throw new EdgewiseException(ErrorCode.UNSUPPORTED, c.layerError(l, "layer type not supported; supported: "
            + SUPPORTED).getMessage());
    }

    private void input(LayerParameter l) throws EdgewiseException {
        var shapes = l.getInputParam().getShapeList();
        if (shapes.isEmpty()) {
            throw c.layerError(l, "input_param has no shape");
        }
        for (int i = 0; i < l.getTopCount(); i++) {
            var s = shapes.size() == 1 ? shapes.get(0) : shapes.get(Math.min(i, shapes.size() - 1));
            c.addInput(l.getTop(i), CaffeGraphConverter.dims(s), "layer '" + l.getName() + "' (Input)");
        }
    }

    /** Height/width of a conv or pool setting given as repeated, as _h/_w, or absent (default). */
    private static long[] hw(LayerParameter l, String what, List<Integer> rep, boolean hasH, int h, boolean hasW, int w,
                             long dflt, CaffeGraphConverter c) throws EdgewiseException {
        if (hasH || hasW) {
            return new long[] {hasH ? h : dflt, hasW ? w : dflt};
        }
        return switch (rep.size()) {
            case 0 -> {
                if (dflt < 0) {
                    throw c.layerError(l, what + " is not given (neither " + what + " nor " + what + "_h/_w)");
                }
                yield new long[] {dflt, dflt};
            }
            case 1 -> new long[] {rep.get(0), rep.get(0)};
            case 2 -> new long[] {rep.get(0), rep.get(1)};
            default -> throw c.layerError(l, what + " has " + rep.size() + " values; only 2-D layers are supported");
        };
    }

    private long[] input4d(LayerParameter l, String x) throws EdgewiseException {
        long[] s = c.shape(x);
        if (s.length != 4) {
            throw c.layerError(l, "expects a 4-D N,C,H,W input, got shape " + Arrays.toString(s));
        }
        return s;
    }

    private void conv(LayerParameter l) throws EdgewiseException {
        ConvolutionParameter p = l.getConvolutionParam();
        String x = c.bottom(l, 0);
        long[] s = input4d(l, x);
        long[] k = hw(l, "kernel_size", p.getKernelSizeList(), p.hasKernelH(), p.getKernelH(), p.hasKernelW(),
            p.getKernelW(), -1, c);
        long[] pad = hw(l, "pad", p.getPadList(), p.hasPadH(), p.getPadH(), p.hasPadW(), p.getPadW(), 0, c);
        long[] st = hw(l, "stride", p.getStrideList(), p.hasStrideH(), p.getStrideH(), p.hasStrideW(), p.getStrideW(), 1, c);
        long[] dil = hw(l, "dilation", p.getDilationList(), false, 0, false, 0, 1, c);
        long group = p.getGroup();
        long out = p.getNumOutput();
        if (out <= 0 || group <= 0 || s[1] % group != 0 || out % group != 0) {
            throw c.layerError(l, "num_output " + out + " and input channels " + s[1] + " must both be divisible by group "
                + group);
        }
        long oh = (s[2] + 2 * pad[0] - (dil[0] * (k[0] - 1) + 1)) / st[0] + 1;
        long ow = (s[3] + 2 * pad[1] - (dil[1] * (k[1] - 1) + 1)) / st[1] + 1;
        String w = c.param(l, 0, "weight", new long[] {out, s[1] / group, k[0], k[1]});
        String b = p.getBiasTerm() ? c.param(l, 1, "bias", new long[] {out}) : null;
        String y = c.top(l, 0, new long[] {s[0], out, oh, ow});
        c.node(l.getName(), "Conv", list(x, w, b), List.of(y), Attribute.ofInts("kernel_shape", k),
            Attribute.ofInts("strides", st), Attribute.ofInts("pads", pad[0], pad[1], pad[0], pad[1]),
            Attribute.ofInts("dilations", dil), Attribute.ofInt("group", group));
    }

    /** Caffe's Deconvolution is ONNX's ConvTranspose; its weights are [Cin, Cout/group, kh, kw]. */
    private void deconv(LayerParameter l) throws EdgewiseException {
        ConvolutionParameter p = l.getConvolutionParam();
        String x = c.bottom(l, 0);
        long[] s = input4d(l, x);
        long[] k = hw(l, "kernel_size", p.getKernelSizeList(), p.hasKernelH(), p.getKernelH(), p.hasKernelW(),
            p.getKernelW(), -1, c);
        long[] pad = hw(l, "pad", p.getPadList(), p.hasPadH(), p.getPadH(), p.hasPadW(), p.getPadW(), 0, c);
        long[] st = hw(l, "stride", p.getStrideList(), p.hasStrideH(), p.getStrideH(), p.hasStrideW(), p.getStrideW(), 1, c);
        long[] dil = hw(l, "dilation", p.getDilationList(), false, 0, false, 0, 1, c);
        long group = p.getGroup();
        long out = p.getNumOutput();
        if (out <= 0 || group <= 0 || s[1] % group != 0 || out % group != 0) {
            throw c.layerError(l, "num_output " + out + " and input channels " + s[1] + " must both be divisible by group "
                + group);
        }
        long oh = (s[2] - 1) * st[0] - 2 * pad[0] + dil[0] * (k[0] - 1) + 1;
        long ow = (s[3] - 1) * st[1] - 2 * pad[1] + dil[1] * (k[1] - 1) + 1;
        String w = c.param(l, 0, "weight", new long[] {s[1], out / group, k[0], k[1]});
        String b = p.getBiasTerm() ? c.param(l, 1, "bias", new long[] {out}) : null;
        String y = c.top(l, 0, new long[] {s[0], out, oh, ow});
        c.node(l.getName(), "ConvTranspose", list(x, w, b), List.of(y), Attribute.ofInts("kernel_shape", k),
            Attribute.ofInts("strides", st), Attribute.ofInts("pads", pad[0], pad[1], pad[0], pad[1]),
            Attribute.ofInts("dilations", dil), Attribute.ofInt("group", group));
    }

    private void elu(LayerParameter l) throws EdgewiseException {
        String x = c.bottom(l, 0);
        String y = c.top(l, 0, c.shape(x));
        c.node(l.getName(), "Elu", List.of(x), List.of(y), Attribute.ofFloat("alpha", l.getEluParam().getAlpha()));
    }

    /** A learned per-channel bias (blob shaped like axis..axis+num_axes), broadcast as C x 1 x 1. */
    private void bias(LayerParameter l) throws EdgewiseException {
        if (l.getBottomCount() > 1) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, c.layerError(l, "Bias with a second bottom").getMessage());
        }
        var p = l.getBiasParam();
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        int axis = normAxis(l, p.getAxis(), s.length);
        int numAxes = p.getNumAxes() < 0 ? s.length - axis : p.getNumAxes();
        long[] ps = new long[s.length - axis];
        Arrays.fill(ps, 1);
        for (int i = 0; i < numAxes; i++) {
            ps[i] = s[axis + i];
        }
        String b = c.param(l, 0, "bias", ps);
        String y = c.top(l, 0, s);
        c.node(l.getName(), "Add", List.of(x, b), List.of(y));
    }

    private void innerProduct(LayerParameter l) throws EdgewiseException {
        InnerProductParameter p = l.getInnerProductParam();
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        int axis = normAxis(l, p.getAxis(), s.length);
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < s.length; i++) {
            if (i < axis) {
                rows *= s[i];
            } else {
                cols *= s[i];
            }
        }
        if (s.length != 2 || axis != 1) {
            String flat = c.top(withTop(l, l.getName() + "_flatten"), 0, new long[] {rows, cols});
            c.node(l.getName() + "_flatten", "Flatten", List.of(x), List.of(flat), Attribute.ofInt("axis", axis));
            c.consume(flat);
            x = flat;
        }
        long out = p.getNumOutput();
        long[] wShape = p.getTranspose() ? new long[] {cols, out} : new long[] {out, cols};
        String w = c.param(l, 0, "weight", wShape);
        String b = p.getBiasTerm() ? c.param(l, 1, "bias", new long[] {out}) : null;
        String y = c.top(l, 0, new long[] {rows, out});
        c.node(l.getName(), "Gemm", list(x, w, b), List.of(y), Attribute.ofInt("transB", p.getTranspose() ? 0 : 1));
    }

    /** A copy of the layer whose only top is {@code name}: for helper tensors such as an inserted Flatten. */
    private static LayerParameter withTop(LayerParameter l, String name) {
        return l.toBuilder().clearTop().addTop(name).build();
    }

    private void pooling(LayerParameter l) throws EdgewiseException {
        PoolingParameter p = l.getPoolingParam();
        String x = c.bottom(l, 0);
        long[] s = input4d(l, x);
        boolean max = switch (p.getPool()) {
            case MAX -> true;
            case AVE -> false;
            case STOCHASTIC -> throw new EdgewiseException(ErrorCode.UNSUPPORTED,
                c.layerError(l, "STOCHASTIC pooling is not supported").getMessage());
        };
        if (p.getGlobalPooling()) {
            String y = c.top(l, 0, new long[] {s[0], s[1], 1, 1});
            c.node(l.getName(), max ? "GlobalMaxPool" : "GlobalAveragePool", List.of(x), List.of(y));
            return;
        }
        long[] k = hw(l, "kernel_size", p.hasKernelSize() ? List.of(p.getKernelSize()) : List.of(), p.hasKernelH(),
            p.getKernelH(), p.hasKernelW(), p.getKernelW(), -1, c);
        long[] pad = hw(l, "pad", List.of(p.getPad()), p.hasPadH(), p.getPadH(), p.hasPadW(), p.getPadW(), 0, c);
        long[] st = hw(l, "stride", List.of(p.getStride()), p.hasStrideH(), p.getStrideH(), p.hasStrideW(),
            p.getStrideW(), 1, c);
        boolean ceil = p.getRoundMode() == PoolingParameter.RoundMode.CEIL;
        long oh = pooledSize(s[2], k[0], pad[0], st[0], ceil);
        long ow = pooledSize(s[3], k[1], pad[1], st[1], ceil);
        String y = c.top(l, 0, new long[] {s[0], s[1], oh, ow});
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", k), Attribute.ofInts("strides", st),
            Attribute.ofInts("pads", pad[0], pad[1], pad[0], pad[1]), Attribute.ofInt("ceil_mode", ceil ? 1 : 0)));
        if (!max) {
            // Caffe divides by the window size clipped to the padded input: padding counts.
            a.add(Attribute.ofInt("count_include_pad", 1));
        }
        c.node(l.getName(), max ? "MaxPool" : "AveragePool", List.of(x), List.of(y), a.toArray(Attribute[]::new));
    }

    /** Caffe's pooled size: ceil by default, and the last window must start inside the input or left pad. */
    static long pooledSize(long in, long k, long pad, long stride, boolean ceil) {
        long span = in + 2 * pad - k;
        long out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (pad > 0 && (out - 1) * stride >= in + pad) {
            out--;
        }
        return out;
    }

    private void lrn(LayerParameter l) throws EdgewiseException {
        var p = l.getLrnParam();
        if (p.getNormRegion() != p.getNormRegion().ACROSS_CHANNELS) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED,
                c.layerError(l, "LRN norm_region WITHIN_CHANNEL is not supported").getMessage());
        }
        String x = c.bottom(l, 0);
        String y = c.top(l, 0, c.shape(x));
        c.node(l.getName(), "LRN", List.of(x), List.of(y), Attribute.ofInt("size", p.getLocalSize()),
            Attribute.ofFloat("alpha", p.getAlpha()), Attribute.ofFloat("beta", p.getBeta()),
            Attribute.ofFloat("bias", p.getK()));
    }

    private void relu(LayerParameter l) throws EdgewiseException {
        float slope = l.getReluParam().getNegativeSlope();
        if (slope == 0f) {
            unary(l, "Relu");
            return;
        }
        String x = c.bottom(l, 0);
        String y = c.top(l, 0, c.shape(x));
        c.node(l.getName(), "LeakyRelu", List.of(x), List.of(y), Attribute.ofFloat("alpha", slope));
    }

    private void prelu(LayerParameter l) throws EdgewiseException {
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        long ch = l.getPreluParam().getChannelShared() ? 1 : s.length > 1 ? s[1] : 1;
        long[] slopeShape = new long[Math.max(1, s.length - 1)];
        Arrays.fill(slopeShape, 1);
        slopeShape[0] = ch;
        // Caffe stores C slopes; ONNX broadcasts from the right, so they become C x 1 x 1.
        String slope = c.param(l, 0, "slope", slopeShape);
        String y = c.top(l, 0, s);
        c.node(l.getName(), "PRelu", List.of(x, slope), List.of(y));
    }

    private void unary(LayerParameter l, String op) throws EdgewiseException {
        String x = c.bottom(l, 0);
        String y = c.top(l, 0, c.shape(x));
        c.node(l.getName(), op, List.of(x), List.of(y));
    }

    private void concat(LayerParameter l) throws EdgewiseException {
        var p = l.getConcatParam();
        List<String> xs = new ArrayList<>();
        for (int i = 0; i < l.getBottomCount(); i++) {
            xs.add(c.bottom(l, i));
        }
        long[] s = c.shape(xs.get(0));
        int axis = normAxis(l, p.hasAxis() ? p.getAxis() : (int) p.getConcatDim(), s.length);
        long total = 0;
        for (String x : xs) {
            long[] o = c.shape(x);
            for (int d = 0; d < s.length; d++) {
                if (o.length != s.length || (d != axis && o[d] != s[d])) {
                    throw c.layerError(l, "bottom shapes " + Arrays.toString(s) + " and " + Arrays.toString(o)
                        + " differ outside the concat axis " + axis);
                }
            }
            total += o[axis];
        }
        s[axis] = total;
        String y = c.top(l, 0, s);
        c.node(l.getName(), "Concat", xs, List.of(y), Attribute.ofInt("axis", axis));
    }

    private void eltwise(LayerParameter l) throws EdgewiseException {
        EltwiseParameter p = l.getEltwiseParam();
        List<String> xs = new ArrayList<>();
        for (int i = 0; i < l.getBottomCount(); i++) {
            xs.add(c.bottom(l, i));
        }
        if (xs.size() < 2) {
            throw c.layerError(l, "needs at least 2 bottoms");
        }
        String op = switch (p.getOperation()) {
            case SUM -> xs.size() == 2 ? "Add" : "Sum";
            case PROD -> xs.size() == 2 ? "Mul" : "Mul";
            case MAX -> "Max";
        };
        if (p.getOperation() == EltwiseParameter.EltwiseOp.PROD && xs.size() > 2) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, c.layerError(l, "PROD of more than 2 bottoms").getMessage());
        }
        String y = c.top(l, 0, c.shape(xs.get(0)));
        List<Attribute> a = new ArrayList<>();
        if (p.getCoeffCount() > 0) {
            double[] co = p.getCoeffList().stream().mapToDouble(Float::doubleValue).toArray();
            a.add(Attribute.ofFloats("caffe_coeff", co));
            if (Arrays.stream(co).anyMatch(v -> v != 1.0)) {
                c.warn("layer '" + l.getName() + "' (Eltwise): coefficients " + Arrays.toString(co)
                    + " kept as attribute caffe_coeff; costs count a plain sum");
            }
        }
        c.node(l.getName(), op, xs, List.of(y), a.toArray(Attribute[]::new));
    }

    /**
     * Caffe's BatchNorm holds mean*f, var*f and f; a following Scale holds gamma and beta. Together they
     * are one ONNX BatchNormalization (4 x C parameters, as a framework exporting BN would give).
     */
    private boolean batchNorm(LayerParameter l, LayerParameter next) throws EdgewiseException {
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        long ch = s.length > 1 ? s[1] : s[0];
        long[] cs = {ch};
        boolean fuse = next != null && next.getType().equals("Scale") && next.getBottomCount() == 1
            && next.getBottom(0).equals(l.getTop(0)) && next.getScaleParam().getAxis() == 1;
        String scale;
        String bias;
        if (fuse) {
            scale = c.param(next, 0, "scale", cs);
            bias = next.getScaleParam().getBiasTerm() ? c.param(next, 1, "bias", cs)
                : c.constant(next.getName() + "_bias", cs, "zeros (Scale without bias)", CaffeGraphConverter.zeros(cs));
        } else {
            scale = c.constant(l.getName() + "_scale", cs, "ones (BatchNorm without Scale)", CaffeGraphConverter.filled(cs, 1f));
            bias = c.constant(l.getName() + "_bias", cs, "zeros (BatchNorm without Scale)", CaffeGraphConverter.zeros(cs));
        }
        String mean = statistic(l, 0, "mean", cs);
        String var = statistic(l, 1, "var", cs);
        LayerParameter outLayer = fuse ? l.toBuilder().clearTop().addTop(next.getTop(0)).build() : l;
        String y = c.top(outLayer, 0, s);
        float eps = l.getBatchNormParam().getEps();
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofFloat("epsilon", eps)));
        if (fuse) {
            a.add(Attribute.ofString("caffe_fused_scale", next.getName()));
        }
        c.node(l.getName(), "BatchNormalization", List.of(x, scale, bias, mean, var), List.of(y),
            a.toArray(Attribute[]::new));
        return fuse;
    }

    /** Mean or variance divided by Caffe's moving-average factor (blob 2), computed when the bytes are read. */
    private String statistic(LayerParameter l, int index, String suffix, long[] cs) throws EdgewiseException {
        BlobProto blob = c.trainedBlob(l, index, cs, suffix);
        BlobProto factor = blob == null ? null : c.trainedBlob(l, 2, new long[] {1}, "moving_average_factor");
        if (blob == null || factor == null) {
            return c.constant(l.getName() + "_" + suffix, cs, "zeros (no weights)", CaffeGraphConverter.zeros(cs));
        }
        return c.constant(l.getName() + "_" + suffix, cs, "caffemodel", () -> {
            float f = CaffeWeights.value(factor, 0);
            float inv = f == 0f ? 0f : 1f / f;
            ByteBuffer b = ByteBuffer.allocate((int) cs[0] * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < cs[0]; i++) {
                b.putFloat(i * 4, CaffeWeights.value(blob, i) * inv);
            }
            return b;
        });
    }

    private void scale(LayerParameter l) throws EdgewiseException {
        var p = l.getScaleParam();
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        if (l.getBottomCount() > 1) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, c.layerError(l, "Scale with a second bottom").getMessage());
        }
        int axis = normAxis(l, p.getAxis(), s.length);
        int numAxes = p.getNumAxes() < 0 ? s.length - axis : p.getNumAxes();
        long[] ps = new long[s.length - axis];
        Arrays.fill(ps, 1);
        for (int i = 0; i < numAxes; i++) {
            ps[i] = s[axis + i];
        }
        // Stored as the C values; shaped C x 1 x 1 here so that they broadcast against N,C,H,W.
        String gamma = c.param(l, 0, "scale", ps);
        String y = c.top(l, 0, s);
        if (!p.getBiasTerm()) {
            c.node(l.getName(), "Mul", List.of(x, gamma), List.of(y));
            return;
        }
        String beta = c.param(l, 1, "bias", ps);
        String scaled = c.fresh(l.getName() + "_scaled");
        c.node(l.getName(), "Mul", List.of(x, gamma), List.of(scaled));
        c.node(l.getName() + "_bias", "Add", List.of(scaled, beta), List.of(y));
    }

    private void softmax(LayerParameter l) throws EdgewiseException {
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        int axis = normAxis(l, l.getSoftmaxParam().getAxis(), s.length);
        String y = c.top(l, 0, s);
        c.node(l.getName(), "Softmax", List.of(x), List.of(y), Attribute.ofInt("axis", axis));
    }

    private void flatten(LayerParameter l) throws EdgewiseException {
        var p = l.getFlattenParam();
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        int axis = normAxis(l, p.getAxis(), s.length);
        int end = normAxis(l, p.getEndAxis(), s.length);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < axis; i++) {
            out.add(s[i]);
        }
        long prod = 1;
        for (int i = axis; i <= end; i++) {
            prod *= s[i];
        }
        out.add(prod);
        for (int i = end + 1; i < s.length; i++) {
            out.add(s[i]);
        }
        long[] os = out.stream().mapToLong(Long::longValue).toArray();
        String y = c.top(l, 0, os);
        if (end == s.length - 1 && axis == 1) {
            c.node(l.getName(), "Flatten", List.of(x), List.of(y), Attribute.ofInt("axis", 1));
        } else {
            c.node(l.getName(), "Reshape", List.of(x, c.int64Constant(l.getName() + "_shape", os)), List.of(y));
        }
    }

    private void reshape(LayerParameter l) throws EdgewiseException {
        ReshapeParameter p = l.getReshapeParam();
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        long[] spec = CaffeGraphConverter.dims(p.getShape());
        int start = normAxis(l, p.getAxis() < 0 ? p.getAxis() + 1 : p.getAxis(), s.length + 1);
        int end = p.getNumAxes() < 0 ? s.length : start + p.getNumAxes();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            out.add(s[i]);
        }
        int infer = -1;
        for (int i = 0; i < spec.length; i++) {
            if (spec[i] == 0) {
                out.add(s[start + i]);
            } else if (spec[i] == -1) {
                infer = out.size();
                out.add(1L);
            } else {
                out.add(spec[i]);
            }
        }
        for (int i = end; i < s.length; i++) {
            out.add(s[i]);
        }
        long total = Arrays.stream(s).reduce(1, Math::multiplyExact);
        long known = out.stream().reduce(1L, Math::multiplyExact);
        if (infer >= 0) {
            out.set(infer, total / known);
            known = out.stream().reduce(1L, Math::multiplyExact);
        }
        if (known != total) {
            throw c.layerError(l, "cannot reshape " + Arrays.toString(s) + " (" + total + " values) to " + out);
        }
        long[] os = out.stream().mapToLong(Long::longValue).toArray();
        String y = c.top(l, 0, os);
        c.node(l.getName(), "Reshape", List.of(x, c.int64Constant(l.getName() + "_shape", os)), List.of(y));
    }

    private void split(LayerParameter l) throws EdgewiseException {
        String x = c.bottom(l, 0);
        for (int i = 0; i < l.getTopCount(); i++) {
            String y = c.top(l, i, c.shape(x));
            c.node(i == 0 ? l.getName() : l.getName() + "/" + l.getTop(i), "Identity", List.of(x), List.of(y));
        }
    }

    private void slice(LayerParameter l) throws EdgewiseException {
        SliceParameter p = l.getSliceParam();
        String x = c.bottom(l, 0);
        long[] s = c.shape(x);
        int axis = normAxis(l, p.hasAxis() ? p.getAxis() : (int) p.getSliceDim(), s.length);
        int n = l.getTopCount();
        long[] sizes = new long[n];
        if (p.getSlicePointCount() > 0) {
            if (p.getSlicePointCount() != n - 1) {
                throw c.layerError(l, p.getSlicePointCount() + " slice points for " + n + " tops");
            }
            long prev = 0;
            for (int i = 0; i < n; i++) {
                long point = i < n - 1 ? p.getSlicePoint(i) : s[axis];
                sizes[i] = point - prev;
                prev = point;
            }
        } else {
            if (s[axis] % n != 0) {
                throw c.layerError(l, "axis " + axis + " of size " + s[axis] + " does not split evenly into " + n);
            }
            Arrays.fill(sizes, s[axis] / n);
        }
        List<String> ys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] o = s.clone();
            o[axis] = sizes[i];
            ys.add(c.top(l, i, o));
        }
        c.node(l.getName(), "Split", List.of(x, c.int64Constant(l.getName() + "_split", sizes)), ys,
            Attribute.ofInt("axis", axis));
    }

    private int normAxis(LayerParameter l, int axis, int rank) throws EdgewiseException {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw c.layerError(l, "axis " + axis + " is out of range for a rank-" + rank + " blob");
        }
        return a;
    }
}

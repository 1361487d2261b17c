package dev.edgewise.plugin.caffe;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.LayerParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.NetParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.V1LayerParameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Reads Caffe nets (text or binary) and upgrades the legacy V1 {@code layers} form to {@code layer}. */
final class CaffeNetReader {
    private CaffeNetReader() {
    }

    static NetParameter readText(Path file) throws EdgewiseException {
        String text = decode(file, readAll(file));
        NetParameter.Builder b = NetParameter.newBuilder();
        try {
            TextFormat.Parser.newBuilder().setAllowUnknownFields(true).build().merge(text, b);
        } catch (TextFormat.ParseException e) {
            if (openBraces(text) > 0) {
                throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": truncated Caffe prototxt (the text ends"
                    + " inside a block, " + openBraces(text) + " '{' left open)", e);
            }
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ":" + e.getLine() + ":" + e.getColumn()
                + ": invalid Caffe prototxt: " + e.getMessage().replaceFirst("^\\d+:\\d+: ", ""), e);
        }
        NetParameter net = upgrade(b.build());
        if (net.getLayerCount() == 0) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a Caffe network (no layer found)");
        }
        return net;
    }

    static NetParameter readBinary(Path file) throws EdgewiseException {
        byte[] bytes = readAll(file);
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            return upgrade(NetParameter.parseFrom(in));
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("truncated") || m.contains("ended unexpectedly")) {
                throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": truncated .caffemodel (the protobuf ends in"
                    + " the middle of a field; " + bytes.length + " bytes read)", e);
            }
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": not a Caffe weights file (invalid"
                + " protobuf: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(Path file) throws EdgewiseException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": file is empty (0 bytes)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String decode(Path file, byte[] bytes) throws EdgewiseException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a Caffe prototxt (binary content, not"
                + " UTF-8 text)", e);
        }
    }

    /** '{' minus '}' outside strings and comments: positive when the text was cut inside a block. */
    private static int openBraces(String text) {
        int depth = 0;
        boolean inString = false;
        boolean inComment = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inComment) {
                inComment = c != '\n';
            } else if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    inString = false;
                }
            } else if (c == '#') {
                inComment = true;
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
        }
        return depth;
    }

    /** V1 layers become {@code layer} entries; the parameter messages are the same types in both forms. */
    static NetParameter upgrade(NetParameter net) {
        if (net.getLayersCount() == 0) {
            return net;
        }
        NetParameter.Builder b = net.toBuilder().clearLayers();
        for (V1LayerParameter v1 : net.getLayersList()) {
            LayerParameter.Builder l = LayerParameter.newBuilder().setName(v1.getName())
                .setType(v1TypeName(v1.getType())).addAllBottom(v1.getBottomList()).addAllTop(v1.getTopList())
                .addAllInclude(v1.getIncludeList()).addAllExclude(v1.getExcludeList()).addAllBlobs(v1.getBlobsList());
            if (v1.hasConvolutionParam()) l.setConvolutionParam(v1.getConvolutionParam());
            if (v1.hasPoolingParam()) l.setPoolingParam(v1.getPoolingParam());
            if (v1.hasInnerProductParam()) l.setInnerProductParam(v1.getInnerProductParam());
            if (v1.hasLrnParam()) l.setLrnParam(v1.getLrnParam());
            if (v1.hasReluParam()) l.setReluParam(v1.getReluParam());
            if (v1.hasDropoutParam()) l.setDropoutParam(v1.getDropoutParam());
            if (v1.hasConcatParam()) l.setConcatParam(v1.getConcatParam());
            if (v1.hasEltwiseParam()) l.setEltwiseParam(v1.getEltwiseParam());
            if (v1.hasSoftmaxParam()) l.setSoftmaxParam(v1.getSoftmaxParam());
            if (v1.hasSliceParam()) l.setSliceParam(v1.getSliceParam());
            b.addLayer(l);
        }
        return b.build();
    }

    /** The V1 enum names written as the V2 type strings Caffe's upgrade code produces. */
    static String v1TypeName(V1LayerParameter.LayerType t) {
        return switch (t) {
            case CONVOLUTION -> "Convolution";
            case DECONVOLUTION -> "Deconvolution";
            case INNER_PRODUCT -> "InnerProduct";
            case POOLING -> "Pooling";
            case LRN -> "LRN";
            case RELU -> "ReLU";
            case SIGMOID -> "Sigmoid";
            case TANH -> "TanH";
            case DROPOUT -> "Dropout";
            case CONCAT -> "Concat";
            case ELTWISE -> "Eltwise";
            case SOFTMAX -> "Softmax";
            case SOFTMAX_LOSS -> "SoftmaxWithLoss";
            case FLATTEN -> "Flatten";
            case SPLIT -> "Split";
            case SLICE -> "Slice";
            case ACCURACY -> "Accuracy";
            case DATA -> "Data";
            case IMAGE_DATA -> "ImageData";
            case MEMORY_DATA -> "MemoryData";
            case HDF5_DATA -> "HDF5Data";
            case WINDOW_DATA -> "WindowData";
            case DUMMY_DATA -> "DummyData";
            case SILENCE -> "Silence";
            case EUCLIDEAN_LOSS -> "EuclideanLoss";
            case HINGE_LOSS -> "HingeLoss";
            case INFOGAIN_LOSS -> "InfogainLoss";
            case MULTINOMIAL_LOGISTIC_LOSS -> "MultinomialLogisticLoss";
            case SIGMOID_CROSS_ENTROPY_LOSS -> "SigmoidCrossEntropyLoss";
            case CONTRASTIVE_LOSS -> "ContrastiveLoss";
            case ABSVAL -> "AbsVal";
            case ARGMAX -> "ArgMax";
            case BNLL -> "BNLL";
            case EXP -> "Exp";
            case POWER -> "Power";
            case MVN -> "MVN";
            case THRESHOLD -> "Threshold";
            case IM2COL -> "Im2col";
            case HDF5_OUTPUT -> "HDF5Output";
            case NONE -> "None";
        };
    }
}

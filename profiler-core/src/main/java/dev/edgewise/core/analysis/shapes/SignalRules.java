package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Signal-processing ops: window functions, DFT, STFT and the mel filter bank (opset 17). */
final class SignalRules {
    private SignalRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        for (String op : List.of("BlackmanWindow", "HannWindow", "HammingWindow")) {
            rules.put(op, SignalRules::window);
        }
        rules.put("DFT", SignalRules::dft);
        rules.put("STFT", SignalRules::stft);
        rules.put("MelWeightMatrix", SignalRules::melWeightMatrix);
    }

    private static DataType outputType(OpContext ctx) {
        DataType t = DataType.fromOnnx((int) ctx.attrInt("output_datatype", 1));
        return t == DataType.UNDEFINED ? DataType.FLOAT : t;
    }

    /** A scalar operand as a dim, or unknown with the reason recorded. */
    private static Dim scalarDim(OpContext ctx, int input, String role) {
        Value v = ctx.value(input);
        if (v == null || !v.isKnown(0)) {
            ctx.because(role + " input '" + ctx.node().input(input) + "' is not a constant");
            return Dim.unknown();
        }
        return ctx.dim(v.longAt(0), role);
    }

    private static void window(OpContext ctx) {
        ctx.output(0, outputType(ctx), Shape.of(List.of(scalarDim(ctx, 0, "size"))));
    }

    /** Opset 17: the transformed axis becomes dft_length (onesided: half plus one); the last dim holds re/im. */
    private static void dft(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        int axis = ctx.axis(ctx.attrInt("axis", 1), x.rank());
        List<Dim> dims = new ArrayList<>(x.dims());
        Dim n = dims.get(axis);
        if (ctx.hasInput(1)) {
            Value len = ctx.value(1);
            n = len != null && len.isKnown(0) ? ctx.dim(len.longAt(0), "dft_length") : Dim.unknown();
            if (len == null) {
                ctx.because("dft_length input '" + ctx.node().input(1) + "' is not a constant");
            }
        }
        if (ctx.attrInt("onesided", 0) != 0) {
            n = n.isKnown() ? Dim.of(n.value() / 2 + 1) : Dim.unknown();
        }
        dims.set(axis, n);
        dims.set(dims.size() - 1, Dim.of(2));
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /**
     * [batch, frames, bins, 2]: frames = (signal - frame_length) / frame_step + 1, bins = frame_length
     * (onesided: half plus one); frame_length comes from its input or the window's length.
     */
    private static void stft(OpContext ctx) {
        Shape signal = ctx.rankedShape(0);
        Dim step = scalarDim(ctx, 1, "frame_step");
        Dim frame = ctx.hasInput(3) ? scalarDim(ctx, 3, "frame_length")
            : ctx.hasInput(2) ? ctx.rankedShape(2).dim(0) : Dim.unknown();
        Dim length = signal.dim(1);
        Dim frames = Dim.unknown();
        if (step.isKnown() && frame.isKnown() && length.isKnown() && step.value() > 0) {
            frames = ctx.dim((length.value() - frame.value()) / step.value() + 1, "frame count");
        }
        Dim bins = !frame.isKnown() ? Dim.unknown()
            : ctx.attrInt("onesided", 1) != 0 ? Dim.of(frame.value() / 2 + 1) : frame;
        ctx.output(0, ctx.type(0), Shape.of(List.of(signal.dim(0), frames, bins, Dim.of(2))));
    }

    /** [dft_length / 2 + 1, num_mel_bins]. */
    private static void melWeightMatrix(OpContext ctx) {
        Dim bins = scalarDim(ctx, 0, "num_mel_bins");
        Dim dft = scalarDim(ctx, 1, "dft_length");
        Dim rows = dft.isKnown() ? Dim.of(dft.value() / 2 + 1) : Dim.unknown();
        ctx.output(0, outputType(ctx), Shape.of(List.of(rows, bins)));
    }
}

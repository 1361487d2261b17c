package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.Activation;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Layout;
import dev.edgewise.bridge.plan.proto.Op;
import dev.edgewise.bridge.plan.proto.QuantParams;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** One op of the plan being built, over tensor names. */
final class LoweredOp {
    KernelId kernel;
    final String name;
    final List<String> layers = new ArrayList<>();
    final List<String> inputs = new ArrayList<>();
    final List<String> outputs = new ArrayList<>();
    float[] weight;
    Layout weightLayout;
    float[] bias;
    /** int8 kernels: int8 weights (canonical layout) instead of {@link #weight}, an int32 bias instead of {@link #bias}. */
    byte[] weightS8;
    int[] biasI32;
    QuantParams quant;
    Activation activation;
    Consumer<Op.Builder> params = b -> { };
    ConvGeometry conv;
    LayerDecision decision;

    LoweredOp(KernelId kernel, String name) {
        this.kernel = kernel;
        this.name = name;
    }

    boolean isView() {
        return kernel == KernelId.RESHAPE_VIEW;
    }
}

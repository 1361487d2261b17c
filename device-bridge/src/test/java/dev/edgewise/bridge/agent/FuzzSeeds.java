package dev.edgewise.bridge.agent;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.Autotune;
import dev.edgewise.bridge.proto.Bye;
import dev.edgewise.bridge.proto.Cancel;
import dev.edgewise.bridge.proto.Envelope;
import dev.edgewise.bridge.proto.Hello;
import dev.edgewise.bridge.proto.LoadPlan;
import dev.edgewise.bridge.proto.ProtocolVersion;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Seed corpus for the fuzz targets (agent/fuzz/run-fuzz.sh): every sample model compiled by the
 * PlanCompiler as a plan file (plans/), and for the small ones the byte stream AgentClient would send
 * in a session with it (messages/): Hello, chunked LoadPlan, Run (within the fuzz build's limits),
 * Autotune, Cancel, Bye. Usage: FuzzSeeds SAMPLES_DIR OUT_DIR.
 */
public final class FuzzSeeds {
    private static final List<String> MODELS = List.of("digits_cnn", "digits_mlp", "resnet_tiny", "mobilenetv2_tiny",
        "shufflenet_tiny", "googlenet_tiny");
    private static final int SESSION_LIMIT = 128 << 10; // larger plans make slow fuzz inputs

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        Path samples = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out.resolve("plans"));
        Files.createDirectories(out.resolve("messages"));
        for (String model : MODELS) {
            CompiledPlan plan = PlanCompiler.compile(new OnnxImporter().load(samples.resolve("models/" + model + ".onnx"),
                ImportOptions.DEFAULT), CompileOptions.DEFAULT.withBindings(new DimBindings(Map.of("batch_size", 1L), Map.of())));
            byte[] bytes = plan.plan().toByteArray();
            Files.write(out.resolve("plans/" + model + ".ewplan"), bytes);
            if (bytes.length <= SESSION_LIMIT) {
                Files.write(out.resolve("messages/" + model + ".session"), session(plan, bytes));
            }
            System.out.printf("seed %-18s plan %,d bytes%s%n", model, bytes.length, bytes.length <= SESSION_LIMIT ? " + session" : "");
        }
    }

    private static byte[] session(CompiledPlan plan, byte[] bytes) throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        put(s, Envelope.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_V1_VALUE)
            .setHostVersion("fuzz-seed")).build());
        ByteString sha = ByteString.copyFrom(AgentClient.sha256(bytes));
        int chunk = 16 << 10;
        int total = (bytes.length + chunk - 1) / chunk;
        for (int i = 0; i < total; i++) {
            int off = i * chunk;
            put(s, Envelope.newBuilder().setLoadPlan(LoadPlan.newBuilder().setIndex(i).setTotal(total).setTotalBytes(bytes.length)
                .setSha256(sha).setData(ByteString.copyFrom(bytes, off, Math.min(chunk, bytes.length - off)))).build());
        }
        int inputBytes = (int) plan.plan().getTensors(plan.plan().getInputs(0)).getByteSize();
        put(s, Envelope.newBuilder().setRun(Run.newBuilder().setRunId(1).setWarmup(1).setIterations(2).setThreads(1)
            .setProfileLayers(true).setReturnOutputs(true)
            .addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(new byte[inputBytes])))).build());
        put(s, Envelope.newBuilder().setRun(Run.newBuilder().setRunId(2).setIterations(3).setDeferTimings(true)).build());
        put(s, Envelope.newBuilder().setAutotune(Autotune.newBuilder().setRunId(3).setIterations(1).setWarmup(1)).build());
        put(s, Envelope.newBuilder().setCancel(Cancel.newBuilder().setRunId(3)).build());
        put(s, Envelope.newBuilder().setBye(Bye.getDefaultInstance()).build());
        return s.toByteArray();
    }

    private static void put(ByteArrayOutputStream s, Envelope e) throws IOException {
        e.writeDelimitedTo(s);
    }
}

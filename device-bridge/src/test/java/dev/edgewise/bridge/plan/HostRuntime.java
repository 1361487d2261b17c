package dev.edgewise.bridge.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a compiled plan with the C runtime's {@code edgewise-run}: the host build, or the aarch64
 * build under {@code qemu-aarch64 -cpu max}. Writes the plan and raw fp32 inputs to a temp dir and
 * reads the raw outputs back. Never used for timing under qemu.
 */
final class HostRuntime {
    enum Target { HOST, AARCH64_QEMU }

    private static final Path AGENT_BUILD = Path.of("agent", "build");

    private HostRuntime() {
    }

    /** The host binary: the fresh CMake build, else the copy packaged in the jar's resources. */
    static Path binary(Target target) throws IOException {
        String dir = target == Target.HOST ? "host" : "aarch64";
        Path built = AGENT_BUILD.resolve(dir).resolve("edgewise-run");
        if (Files.isExecutable(built)) {
            return built.toAbsolutePath();
        }
        String resource = "/dev/edgewise/bridge/agent/" + (target == Target.HOST ? "x86_64" : "aarch64") + "/edgewise-run";
        try (InputStream in = HostRuntime.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("edgewise-run for " + target + " not found: neither " + built.toAbsolutePath()
                    + " nor the jar resource " + resource + " exists; run device-bridge/agent/build.sh " + dir);
            }
            Path tmp = Files.createTempFile("edgewise-run-" + dir, "");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setExecutable(true);
            tmp.toFile().deleteOnExit();
            return tmp;
        }
    }

    static List<float[]> run(CompiledPlan plan, List<float[]> inputs, Target target) throws IOException, InterruptedException {
        return run(plan, inputs, target, List.of(), new StringBuilder());
    }

    /** Runs with extra edgewise-run arguments (e.g. --profile) and appends its log to {@code log}. */
    static List<float[]> run(CompiledPlan plan, List<float[]> inputs, Target target, List<String> extra, StringBuilder log)
        throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ewplan");
        try {
            Path planFile = dir.resolve("model.ewplan");
            plan.writeTo(planFile);
            List<String> cmd = new ArrayList<>();
            if (target == Target.AARCH64_QEMU) {
                cmd.add("qemu-aarch64");
                cmd.add("-cpu");
                cmd.add("max");
            }
            cmd.add(binary(target).toString());
            cmd.add("--plan");
            cmd.add(planFile.toString());
            for (int i = 0; i < inputs.size(); i++) {
                Path f = dir.resolve("in" + i + ".bin");
                Files.write(f, toBytes(inputs.get(i)));
                cmd.add("--input");
                cmd.add(f.toString());
            }
            int outs = plan.plan().getOutputsCount();
            for (int i = 0; i < outs; i++) {
                cmd.add("--output");
                cmd.add(dir.resolve("out" + i + ".bin").toString());
            }
            cmd.addAll(extra);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            log.append(new String(output));
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("edgewise-run timed out on " + plan.plan().getModelName());
            }
            if (p.exitValue() != 0) {
                throw new IOException("edgewise-run (" + target + ") failed with exit " + p.exitValue() + " on "
                    + plan.plan().getModelName() + ": " + new String(output).trim());
            }
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < outs; i++) {
                out.add(toFloats(Files.readAllBytes(dir.resolve("out" + i + ".bin"))));
            }
            return out;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static float[] toFloats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}

package dev.edgewise.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.Result;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** edgewise-agent over loopback TCP with a session token (bridge-protocol.md, "Loopback TCP"). */
class LoopbackAgentTest {
    private static final Path MODEL = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");

    @Test
    void aSessionOverTcpGivesTheSameOutputsAsOverStdio() throws Exception {
        CompiledPlan plan = PlanCompiler.compile(new OnnxImporter().load(MODEL, ImportOptions.DEFAULT), CompileOptions.DEFAULT);
        byte[] input = new byte[(int) plan.plan().getTensors(plan.plan().getInputs(0)).getByteSize()];
        for (int i = 0; i < input.length; i += 4) {
            input[i + 3] = (byte) (0x3f + (i / 4) % 2); // 0.5 .. 2.0 range floats, varied
            input[i + 2] = (byte) (i * 7);
        }
        Run run = Run.newBuilder().setRunId(3).setIterations(4).setThreads(1).setReturnOutputs(true)
            .addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(input))).build();
        List<String> agent = List.of(AgentClientTest.agentBinary("host", "x86_64").toString());
        Result overTcp;
        try (AgentClient c = LoopbackAgent.start(agent, false)) {
            assertTrue(c.deviceInfo().getCores() >= 1, c.deviceInfo().toString());
            c.loadPlan(plan.plan().toByteArray(), 8192);
            AgentClient.RunOutcome o = c.run(run, e -> { });
            assertTrue(o.succeeded(), AgentClient.describe(o.last()));
            assertEquals(4, o.messages().stream().filter(e -> e.hasIterationTiming()).count());
            overTcp = o.last().getResult();
            assertEquals(0, c.bye());
        }
        Result overStdio;
        try (AgentClient c = AgentClient.start(agent, false)) {
            c.loadPlan(plan.plan().toByteArray());
            overStdio = c.run(run, e -> { }).last().getResult();
            assertEquals(0, c.bye());
        }
        assertEquals(4, overTcp.getStats().getCount());
        assertArrayEquals(overStdio.getOutputs(0).getData().toByteArray(), overTcp.getOutputs(0).getData().toByteArray(),
            "same binary, plan, input and thread count: identical bytes");
    }

    @Test
    void aWrongTokenIsRefusedAndTheAgentExits() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(AgentClientTest.agentBinary("host", "x86_64").toString(), "--listen", "127.0.0.1:0");
        pb.environment().put(LoopbackAgent.TOKEN_ENV, LoopbackAgent.newToken());
        Process p = pb.start();
        int port = LoopbackAgent.readPort(p.getInputStream(), "agent");
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
        IOException e = assertThrows(IOException.class, () -> AgentClient.connect(p, at, LoopbackAgent.newToken(), "agent", false));
        assertTrue(e.getMessage().contains("UNAUTHORIZED"), e.getMessage());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 2, "exit code after a refused token");
    }

    @Test
    void onlyLoopbackAddressesAreAccepted() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(AgentClientTest.agentBinary("host", "x86_64").toString(), "--listen", "0.0.0.0:0");
        pb.environment().put(LoopbackAgent.TOKEN_ENV, LoopbackAgent.newToken());
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), stderr);
        assertEquals("", stdout, "nothing listened");
        assertTrue(stderr.contains("0.0.0.0") && stderr.contains("loopback"), stderr);
        assertThrows(IllegalArgumentException.class, () -> AgentClient.connect(p,
            new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 1), "t", "agent", false));
    }
}

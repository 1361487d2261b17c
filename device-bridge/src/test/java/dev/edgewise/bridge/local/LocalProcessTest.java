package dev.edgewise.bridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class LocalProcessTest {
    /** Field 6 of /proc/PID/stat: the session id (the command name in field 2 is parenthesised). */
    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }

    @Test
    void agentRunsInItsOwnSessionSoTerminalCtrlCReachesOnlyUs() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid(1) (util-linux) is not installed");
        LocalProcess p = LocalProcess.start(List.of("/bin/sleep", "30"));
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            // setsid execs in place: the pid we hold becomes sleep itself, leading a new session
            while (sessionOf(p.pid()) != p.pid() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(sessionOf(p.pid())).isEqualTo(p.pid())
                .isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
            assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"))).startsWith("/bin/sleep");
        } finally {
            p.kill();
        }
    }
}

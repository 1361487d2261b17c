package dev.edgewise.bridge.testdevice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A daemon service behind OPEN (SERVICES.TXT): {@code shell:CMD} and {@code exec:CMD} run
 * {@code sh -c CMD} without a pty, stdout and stderr mixed on the stream (adbd's raw mode without the
 * shell protocol; {@code shell:} with no command runs {@code sh}); {@code sync:} is the file service.
 */
interface AdbService {
    void serve(AdbDaemonStream stream);

    static AdbService forDestination(String destination, TestAdbDaemon daemon) {
        if (destination.startsWith("shell:")) {
            String cmd = destination.substring("shell:".length());
            return new ExecService(daemon, cmd.isBlank() ? "sh" : cmd);
        }
        if (destination.startsWith("exec:")) {
            return new ExecService(daemon, destination.substring("exec:".length()));
        }
        if (destination.equals("sync:")) {
            return stream -> new AdbSyncService(daemon.sandbox(), stream).serve();
        }
        return null; // shell,v2 and the rest are not advertised in our CNXN features
    }

    /** Runs one command; the stream closes when its output ends, the process dies when the host closes. */
    final class ExecService implements AdbService {
        private final TestAdbDaemon daemon;
        private final String command;

        ExecService(TestAdbDaemon daemon, String command) {
            this.daemon = daemon;
            this.command = command;
        }

        @Override
        public void serve(AdbDaemonStream stream) {
            Process p;
            try {
                p = daemon.sandbox().start(command, true);
            } catch (IOException e) {
                writeQuietly(stream.out, ("/system/bin/sh: " + e.getMessage() + "\n").getBytes());
                stream.closeFromDevice();
                return;
            }
            daemon.track(p);
            stream.onHostClose(() -> TestAdbDaemon.killTree(p));
            Thread stdin = new Thread(() -> pump(stream.in, p.getOutputStream()), "adbd-stdin-" + stream.localId);
            stdin.setDaemon(true);
            stdin.start();
            try (InputStream stdout = p.getInputStream()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = stdout.read(buf)) > 0) {
                    stream.out.write(buf, 0, n);
                }
                p.waitFor();
            } catch (IOException e) {
                TestAdbDaemon.killTree(p); // host went away: nobody reads the output any more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stream.closeFromDevice();
            }
        }

        private static void pump(InputStream from, OutputStream to) {
            try (to) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush(); // the agent answers each message: nothing may wait in a buffer
                }
            } catch (IOException e) {
                // the process closed its stdin or died: nothing more to deliver
            }
        }

        private static void writeQuietly(OutputStream out, byte[] bytes) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                // the host is gone
            }
        }
    }
}

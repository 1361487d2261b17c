package dev.edgewise.bridge.adb;

import dadb.AdbStream;
import dadb.Dadb;
import dadb.adbserver.AdbServer;
import java.io.IOException;

/**
 * A device behind the adb server (USB, or one the server was told to "adb connect"): every stream is
 * its own socket to the server, switched to the device with {@code host:transport:SERIAL}. The host
 * must be given as an address, never "localhost", so dadb never starts a server on its own.
 */
final class ServerAdbLink implements AdbLink {
    private final String deviceId;
    private final Dadb dadb;
    private volatile Throwable failure;

    ServerAdbLink(String deviceId, String serial, AdbSettings settings) throws IOException {
        this.deviceId = deviceId;
        AdbServerClient.requireRunning(settings);
        try {
            this.dadb = AdbServer.createDadb(settings.serverHost(), settings.serverPort(), "host:transport:" + serial,
                (int) settings.connectTimeout().toMillis(), 0);
        } catch (Exception e) {
            throw new IOException(deviceId + ": the adb server at " + settings.serverHost() + ":" + settings.serverPort()
                + " cannot reach device '" + serial + "' (" + e.getMessage() + "); `adb devices` lists the serials", e);
        }
    }

    @Override
    public AdbStream open(String destination) throws IOException {
        try {
            return dadb.open(destination);
        } catch (Exception e) {
            throw new IOException(deviceId + ": could not open '" + destination + "' through the adb server (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        try {
            dadb.close();
        } catch (Exception e) {
            // nothing is held between streams
        }
    }
}

package dev.edgewise.bridge.adb;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two host requests discovery needs from the adb server's smart socket (protocol.txt: a 4-digit
 * hex length, the request, then "OKAY" or "FAIL" + hex length + reason). dadb's own listing would
 * start an adb server when none runs; discovery must only look.
 */
final class AdbServerClient {
    /** One line of {@code host:devices-l}: serial, state ("device", "unauthorized", "offline"), attributes. */
    record ServerDevice(String serial, String state, Map<String, String> attributes) {
    }

    private AdbServerClient() {
    }

    static void requireRunning(AdbSettings s) throws IOException {
        try (Socket socket = connect(s)) {
            request(socket, "host:version", s);
        }
    }

    static List<ServerDevice> devices(AdbSettings s) throws IOException {
        try (Socket socket = connect(s)) {
            return parse(request(socket, "host:devices-l", s));
        }
    }

    static List<ServerDevice> parse(String listing) {
        List<ServerDevice> out = new ArrayList<>();
        for (String line : listing.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 2; i < f.length; i++) {
                int colon = f[i].indexOf(':');
                if (colon > 0) {
                    attrs.put(f[i].substring(0, colon), f[i].substring(colon + 1));
                }
            }
            out.add(new ServerDevice(f[0], f[1], attrs));
        }
        return out;
    }

    private static Socket connect(AdbSettings s) throws IOException {
        Socket socket = new Socket();
        int timeout = (int) s.connectTimeout().toMillis();
        try {
            socket.connect(new InetSocketAddress(s.serverHost(), s.serverPort()), timeout);
            socket.setSoTimeout(timeout);
            return socket;
        } catch (ConnectException | SocketTimeoutException e) {
            socket.close();
            throw new IOException("no adb server running at " + s.serverHost() + ":" + s.serverPort()
                + " (start one with `adb start-server`; a device with ADB over TCP can be opened directly as adb:tcp:HOST:PORT)", e);
        }
    }

    private static String request(Socket socket, String request, AdbSettings s) throws IOException {
        byte[] body = request.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(String.format("%04x", body.length).getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String status = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
        String payload = readHexPrefixed(in);
        if (!status.equals("OKAY")) {
            throw new IOException("adb server at " + s.serverHost() + ":" + s.serverPort() + " refused " + request + ": " + payload);
        }
        return payload;
    }

    private static String readHexPrefixed(DataInputStream in) throws IOException {
        byte[] len = in.readNBytes(4);
        if (len.length < 4) {
            return "";
        }
        int n = Integer.parseInt(new String(len, StandardCharsets.US_ASCII), 16);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
}

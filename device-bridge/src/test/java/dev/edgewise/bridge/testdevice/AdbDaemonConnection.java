package dev.edgewise.bridge.testdevice;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One host (adb server, dadb) connected to the test daemon: CNXN, AUTH with token, signature check
 * against the allowed keys and RSAPUBLICKEY under the daemon's key policy, then OPEN/OKAY/WRTE/CLSE.
 * Any protocol violation closes the connection, as protocol.txt requires.
 */
final class AdbDaemonConnection implements Runnable {
    static final int MAX_PAYLOAD = 256 * 1024;
    private static final int AUTH_MAX_PAYLOAD = 4096; // before CNXN the host may only assume 4096

    private final TestAdbDaemon daemon;
    private final Socket socket;
    private final OutputStream out;
    private final Map<Integer, AdbDaemonStream> streams = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private int nextLocalId = 1;
    private int hostMaxPayload = AUTH_MAX_PAYLOAD;
    private boolean verifyChecksum;

    AdbDaemonConnection(TestAdbDaemon daemon, Socket socket) throws IOException {
        this.daemon = daemon;
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    @Override
    public void run() {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (!authenticate(in)) {
                return;
            }
            AdbPacket p;
            while ((p = AdbPacket.read(in, MAX_PAYLOAD, verifyChecksum)) != null) {
                dispatch(p);
            }
        } catch (IOException e) {
            daemon.log("connection closed: " + e.getMessage());
            System.err.println("test adbd: connection closed: " + e.getMessage());
        } finally {
            streams.values().forEach(AdbDaemonStream::hostClosed);
            streams.clear();
        }
    }

    void drop() {
        try {
            socket.setSoLinger(true, 0); // RST, as when a cable is pulled and the host's stack gives up
            socket.close();
        } catch (IOException e) {
            daemon.log("drop: " + e.getMessage());
        }
    }

    private boolean authenticate(InputStream in) throws IOException {
        AdbPacket p;
        while ((p = AdbPacket.read(in, MAX_PAYLOAD, false)) != null && p.command() != AdbPacket.CNXN) {
            daemon.log("ignored before CNXN: " + p); // protocol.txt: MUST be ignored
        }
        if (p == null) {
            return false;
        }
        if (p.arg0() < 0x01000000 || p.arg1() < AUTH_MAX_PAYLOAD) {
            throw new IOException("host CNXN with version " + Integer.toHexString(p.arg0()) + " / maxdata " + p.arg1());
        }
        hostMaxPayload = Math.min(p.arg1(), MAX_PAYLOAD);
        // protocol.txt asks for a payload checksum below version 0x01000001, but adbd has long stopped
        // checking it, and dadb 1.2.10 sends wrong ones for partial buffers (it sums the whole array):
        // like adbd, accept them (AdbPacket.read can still check, for a strict peer).
        verifyChecksum = false;
        daemon.log("host CNXN " + p.payloadText());
        byte[] token = sendToken();
        while ((p = AdbPacket.read(in, AUTH_MAX_PAYLOAD, false)) != null) {
            if (p.command() != AdbPacket.AUTH) {
                daemon.log("ignored during AUTH: " + p);
                continue;
            }
            if (p.arg0() == AdbPacket.AUTH_SIGNATURE) {
                if (signedByAllowedKey(token, p.payload())) {
                    daemon.recordAuth("signature");
                    sendConnect();
                    return true;
                }
                token = sendToken(); // protocol.txt: a new token, so the host can try its next key
            } else if (p.arg0() == AdbPacket.AUTH_RSAPUBLICKEY) {
                String key = p.payloadText();
                try {
                    AdbPublicKeys.parse(key);
                } catch (GeneralSecurityException e) {
                    throw new IOException("malformed RSAPUBLICKEY: " + e.getMessage());
                }
                if (daemon.offerNewKey(key)) {
                    daemon.recordAuth("new-key");
                    sendConnect();
                    return true;
                }
                daemon.recordAuth("rejected"); // the user did not tap "Allow": the host waits
            } else {
                throw new IOException("AUTH type " + p.arg0() + " from the host");
            }
        }
        return false;
    }

    private boolean signedByAllowedKey(byte[] token, byte[] signature) {
        for (String key : daemon.allowedKeys()) {
            try {
                RSAPublicKey pub = AdbPublicKeys.parse(key);
                if (AdbPublicKeys.verify(pub, token, signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                daemon.log("allowed key unreadable: " + e.getMessage());
            }
        }
        return false;
    }

    private byte[] sendToken() {
        byte[] token = new byte[20];
        random.nextBytes(token);
        send(new AdbPacket(AdbPacket.AUTH, AdbPacket.AUTH_TOKEN, 0, token));
        return token;
    }

    private void sendConnect() {
        Map<String, String> props = daemon.sandbox().properties();
        String banner = "device::ro.product.name=" + props.getOrDefault("ro.product.name", "")
            + ";ro.product.model=" + props.getOrDefault("ro.product.model", "")
            + ";ro.product.device=" + props.getOrDefault("ro.product.device", "") + ";features=";
        send(AdbPacket.of(AdbPacket.CNXN, AdbPacket.VERSION, MAX_PAYLOAD, banner));
    }

    private void dispatch(AdbPacket p) throws IOException {
        switch (p.command()) {
            case AdbPacket.OPEN -> open(p);
            case AdbPacket.WRTE -> {
                AdbDaemonStream s = streams.get(p.arg1());
                if (s != null) {
                    s.received(p.payload());
                }
            }
            case AdbPacket.OKAY -> {
                AdbDaemonStream s = streams.get(p.arg1());
                if (s != null) {
                    s.hostReady();
                }
            }
            case AdbPacket.CLSE -> {
                AdbDaemonStream s = streams.remove(p.arg1());
                if (s != null) {
                    s.hostClosed();
                }
            }
            case AdbPacket.CNXN -> throw new IOException("host sent CNXN again: starting over");
            default -> daemon.log("ignored " + p);
        }
    }

    private void open(AdbPacket p) throws IOException {
        if (p.arg0() == 0) {
            throw new IOException("OPEN with local-id 0");
        }
        String destination = p.payloadText();
        AdbService service = AdbService.forDestination(destination, daemon);
        if (service == null) {
            daemon.log("no service for " + destination);
            send(new AdbPacket(AdbPacket.CLSE, 0, p.arg0(), new byte[0]));
            return;
        }
        int localId = nextLocalId++;
        AdbDaemonStream stream = new AdbDaemonStream(this, localId, p.arg0(), hostMaxPayload);
        streams.put(localId, stream);
        send(new AdbPacket(AdbPacket.OKAY, localId, p.arg0(), new byte[0]));
        Thread t = new Thread(() -> service.serve(stream), "adbd-" + destination.split(":", 2)[0] + "-" + localId);
        t.setDaemon(true);
        t.start();
    }

    private boolean earlyWriteNoted;

    void noteEarlyWrite(int localId) {
        if (!earlyWriteNoted) {
            earlyWriteNoted = true;
            daemon.log("host sent WRTE on stream " + localId + " before our READY (tolerated, as adbd does)");
        }
    }

    void forget(int localId) {
        streams.remove(localId);
    }

    synchronized void send(AdbPacket p) {
        try {
            p.write(out);
        } catch (IOException e) {
            daemon.log("send " + p + ": " + e.getMessage()); // the reader notices the broken socket
        }
    }
}

package dev.edgewise.bridge.adb;

import dadb.AdbConnection;
import dadb.AdbKeyPair;
import dadb.AdbStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP connection straight to adbd (wireless debugging, "adb tcpip", emulators), authenticated
 * with this computer's key pair. dadb multiplexes streams over it; its reader hands messages between
 * threads, so when the socket breaks this link wakes every thread blocked in a read instead of
 * leaving it waiting for a message that will never come.
 */
final class DirectAdbLink implements AdbLink {
    private final String deviceId;
    private final Socket socket;
    private final AdbConnection connection;
    private final Set<Thread> readers = ConcurrentHashMap.newKeySet();
    private volatile Throwable failure;

    private DirectAdbLink(String deviceId, Socket socket, AdbConnection connection) {
        this.deviceId = deviceId;
        this.socket = socket;
        this.connection = connection;
    }

    static DirectAdbLink connect(String deviceId, String host, int port, AdbKeyPair keys, Path publicKeyFile,
                                 AdbSettings settings) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) settings.connectTimeout().toMillis());
        } catch (ConnectException e) {
            socket.close();
            throw new IOException(deviceId + ": connection refused by " + host + ":" + port
                + " (is ADB over TCP enabled on the device? Wireless debugging, or `adb tcpip " + port + "` once over USB)", e);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new IOException(deviceId + ": no answer from " + host + ":" + port + " within "
                + settings.connectTimeout().toSeconds() + " s", e);
        }
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) settings.authTimeout().toMillis()); // only for the handshake
            AdbConnection c = AdbConnection.Companion.connect(socket, keys);
            socket.setSoTimeout(0);
            return new DirectAdbLink(deviceId, socket, c);
        } catch (Exception e) { // dadb (Kotlin) also throws undeclared checked exceptions
            socket.close();
            if (e instanceof InterruptedIOException) {
                throw new IOException(deviceId + " did not accept this computer's ADB key within " + settings.authTimeout().toSeconds()
                    + " s: unlock the device and allow USB debugging for the key with fingerprint " + fingerprint(publicKeyFile)
                    + " (" + publicKeyFile + "), then retry", e);
            }
            throw new IOException(deviceId + ": ADB handshake with " + host + ":" + port + " failed: " + e, e);
        }
    }

    /** The MD5 fingerprint Android shows in its "Allow USB debugging?" dialog. */
    static String fingerprint(Path publicKeyFile) {
        try {
            String b64 = Files.readString(publicKeyFile).trim().split("\\s+")[0];
            byte[] md5 = MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(b64));
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(md5);
        } catch (IOException | NoSuchAlgorithmException | IllegalArgumentException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public AdbStream open(String destination) throws IOException {
        Throwable f = failure;
        if (f != null) {
            throw new IOException(deviceId + ": ADB connection lost (" + f + ")", f);
        }
        try {
            return connection.open(destination);
        } catch (Exception e) {
            if (socket.isClosed()) {
                fail(e);
            }
            throw new IOException(deviceId + ": could not open '" + destination + "' (" + e + ")", e);
        }
    }

    @Override
    public void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        close();
        readers.stream().filter(t -> t != Thread.currentThread()).forEach(Thread::interrupt);
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void enterRead() {
        readers.add(Thread.currentThread());
    }

    @Override
    public void exitRead() {
        readers.remove(Thread.currentThread());
        if (failure != null) {
            Thread.interrupted(); // the interrupt that woke this read must not leak into the caller
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
            socket.close();
        } catch (IOException e) {
            // closing a broken socket: nothing left to release
        }
    }
}

package dev.edgewise.bridge.testdevice;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One ADB transport message (AOSP adb/protocol.txt): a 24-byte little-endian header (command, arg0,
 * arg1, payload length, payload checksum, magic = command ^ 0xffffffff) and the payload.
 */
record AdbPacket(int command, int arg0, int arg1, byte[] payload) {
    static final int CNXN = 0x4e584e43;
    static final int AUTH = 0x48545541;
    static final int OPEN = 0x4e45504f;
    static final int OKAY = 0x59414b4f;
    static final int CLSE = 0x45534c43;
    static final int WRTE = 0x45545257;
    static final int STLS = 0x534c5453;

    static final int AUTH_TOKEN = 1;
    static final int AUTH_SIGNATURE = 2;
    static final int AUTH_RSAPUBLICKEY = 3;

    static final int VERSION = 0x01000001;
    /** From this version on the payload checksum is neither computed nor checked. */
    static final int VERSION_SKIP_CHECKSUM = 0x01000001;

    static AdbPacket of(int command, int arg0, int arg1, String payload) {
        return new AdbPacket(command, arg0, arg1, payload.getBytes(StandardCharsets.UTF_8));
    }

    String payloadText() {
        int n = payload.length;
        while (n > 0 && payload[n - 1] == 0) {
            n--;
        }
        return new String(payload, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Reads one message; a wrong magic, an unknown command or a payload over {@code maxPayload} is a
     * protocol violation (protocol.txt: the connection MUST be closed), reported as an IOException.
     */
    static AdbPacket read(InputStream in, int maxPayload, boolean verifyChecksum) throws IOException {
        byte[] header = new byte[24];
        try {
            new DataInputStream(in).readFully(header);
        } catch (EOFException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int command = b.getInt();
        int arg0 = b.getInt();
        int arg1 = b.getInt();
        int length = b.getInt();
        int check = b.getInt();
        int magic = b.getInt();
        if (magic != ~command) {
            throw new IOException(String.format("bad magic %08x for command %08x", magic, command));
        }
        if (!known(command)) {
            throw new IOException(String.format("unknown command %08x", command));
        }
        if (length < 0 || length > maxPayload) {
            throw new IOException("payload of " + Integer.toUnsignedString(length) + " bytes over maxdata " + maxPayload);
        }
        byte[] payload = new byte[length];
        new DataInputStream(in).readFully(payload);
        if (verifyChecksum && checksum(payload) != check) {
            throw new IOException("payload checksum mismatch in " + name(command));
        }
        return new AdbPacket(command, arg0, arg1, payload);
    }

    void write(OutputStream out) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(command).putInt(arg0).putInt(arg1).putInt(payload.length).putInt(checksum(payload)).putInt(~command);
        b.put(payload);
        out.write(b.array());
        out.flush();
    }

    /** The "crc32" field of protocol.txt is in fact the sum of the payload's unsigned bytes. */
    static int checksum(byte[] payload) {
        int sum = 0;
        for (byte x : payload) {
            sum += x & 0xff;
        }
        return sum;
    }

    private static boolean known(int command) {
        return command == CNXN || command == AUTH || command == OPEN || command == OKAY || command == CLSE
            || command == WRTE || command == STLS;
    }

    static String name(int command) {
        byte[] n = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(command).array();
        return new String(n, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return name(command) + "(" + Integer.toHexString(arg0) + ", " + Integer.toHexString(arg1) + ", " + payload.length + " bytes)";
    }
}

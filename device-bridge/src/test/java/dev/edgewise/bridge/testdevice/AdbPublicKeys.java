package dev.edgewise.bridge.testdevice;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * The daemon's half of ADB authentication: the public key format adb sends in AUTH(RSAPUBLICKEY)
 * and stores in adbkey.pub (base64 of {modulus size in words, n0inv, modulus LE, R^2 mod n LE,
 * exponent}, then " user@host"), and the check of an AUTH(SIGNATURE): PKCS#1 v1.5 with the 20-byte
 * token in the place of a SHA-1 digest.
 */
final class AdbPublicKeys {
    private static final int MODULUS_WORDS = 64;
    private static final int MODULUS_BYTES = MODULUS_WORDS * 4;
    private static final int STRUCT_BYTES = 4 + 4 + MODULUS_BYTES + MODULUS_BYTES + 4;
    /** DER DigestInfo header for SHA-1 (RFC 8017 section 9.2 note 1). */
    private static final byte[] SHA1_DIGEST_INFO = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};

    private AdbPublicKeys() {
    }

    /** Parses "BASE64 [comment]" (trailing NUL allowed); rejects a struct whose n0inv or R^2 do not match n. */
    static RSAPublicKey parse(String text) throws GeneralSecurityException {
        String trimmed = text.replace("\0", "").trim();
        int space = trimmed.indexOf(' ');
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(space < 0 ? trimmed : trimmed.substring(0, space));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("adb public key is not base64: " + e.getMessage());
        }
        if (raw.length != STRUCT_BYTES) {
            throw new GeneralSecurityException("adb public key of " + raw.length + " bytes, expected " + STRUCT_BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int words = b.getInt();
        int n0inv = b.getInt();
        byte[] modulusLe = new byte[MODULUS_BYTES];
        byte[] rrLe = new byte[MODULUS_BYTES];
        b.get(modulusLe).get(rrLe);
        int exponent = b.getInt();
        if (words != MODULUS_WORDS) {
            throw new GeneralSecurityException("adb public key modulus of " + words + " words, expected " + MODULUS_WORDS);
        }
        BigInteger n = littleEndian(modulusLe);
        BigInteger twoTo32 = BigInteger.ONE.shiftLeft(32);
        BigInteger expectedN0inv = n.mod(twoTo32).modInverse(twoTo32).negate().mod(twoTo32);
        if (expectedN0inv.intValue() != n0inv) {
            throw new GeneralSecurityException("adb public key n0inv does not match its modulus");
        }
        if (!BigInteger.ONE.shiftLeft(MODULUS_BYTES * 8 * 2).mod(n).equals(littleEndian(rrLe))) {
            throw new GeneralSecurityException("adb public key R^2 does not match its modulus");
        }
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(exponent)));
    }

    /** True when {@code signature} is the PKCS#1 v1.5 signature of {@code token} under {@code key}. */
    static boolean verify(RSAPublicKey key, byte[] token, byte[] signature) {
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.DECRYPT_MODE, key);
            byte[] recovered = rsa.doFinal(signature);
            byte[] expected = Arrays.copyOf(SHA1_DIGEST_INFO, SHA1_DIGEST_INFO.length + token.length);
            System.arraycopy(token, 0, expected, SHA1_DIGEST_INFO.length, token.length);
            return Arrays.equals(recovered, expected);
        } catch (GeneralSecurityException e) {
            return false; // wrong size, bad padding: simply not a valid signature by this key
        }
    }

    private static BigInteger littleEndian(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, be);
    }
}

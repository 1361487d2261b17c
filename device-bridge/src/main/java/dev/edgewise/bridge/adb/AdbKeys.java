package dev.edgewise.bridge.adb;

import dadb.AdbKeyPair;
import dev.edgewise.bridge.remote.UserConfigFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * This computer's ADB identity: an RSA-2048 key pair in adb's own file formats (PKCS#8 PEM
 * {@code adbkey}, Android public key {@code adbkey.pub}), created once in the config folder, 0600.
 * The device shows its fingerprint in the "Allow USB debugging?" prompt the first time.
 */
final class AdbKeys {
    static final String PRIVATE = "adbkey";
    static final String PUBLIC = "adbkey.pub";

    private AdbKeys() {
    }

    static synchronized AdbKeyPair loadOrCreate(Path folder) throws IOException {
        Path priv = folder.resolve(PRIVATE);
        Path pub = folder.resolve(PUBLIC);
        if (!Files.isRegularFile(priv) || !Files.isRegularFile(pub)) {
            generate(folder, priv, pub);
        }
        UserConfigFolder.ownerOnly(priv);
        UserConfigFolder.ownerOnly(pub);
        try {
            return AdbKeyPair.read(priv.toFile(), pub.toFile());
        } catch (RuntimeException e) {
            throw new IOException("ADB key pair " + priv + " is unreadable (" + e.getMessage()
                + "); delete " + priv + " and " + pub + " to create a new one", e);
        }
    }

    private static void generate(Path folder, Path priv, Path pub) throws IOException {
        UserConfigFolder.ensurePrivate(folder);
        // Written into files that are 0600 from birth, then moved into place in one step each.
        Path tmpPriv = UserConfigFolder.privateTempFile(folder, PRIVATE);
        Path tmpPub = UserConfigFolder.privateTempFile(folder, PUBLIC);
        try {
            AdbKeyPair.generate(tmpPriv.toFile(), tmpPub.toFile());
            Files.move(tmpPub, pub, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmpPriv, priv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (RuntimeException e) {
            throw new IOException("could not create the ADB key pair in " + folder + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmpPriv);
            Files.deleteIfExists(tmpPub);
        }
    }
}

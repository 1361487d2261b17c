package dev.edgewise.bridge.transport;

import java.util.Map;
import java.util.Objects;

/**
 * A device a transport can open, as known before connecting.
 *
 * @param id      stable identifier the user types after {@code --device}; its prefix up to the first
 *                ':' is the transport's {@link Transport#scheme()} ("local", "qemu:cortex-a53",
 *                "adb:SERIAL", "adb:tcp:HOST:PORT", "ssh:USER@HOST:PORT")
 * @param kind    which transport family, and so how timings are labelled
 * @param name    human-readable model name ("Pixel 7", "qemu-aarch64 -cpu cortex-a53", hostname)
 * @param abi     "x86_64", "aarch64", "arm64-v8a", ...; empty when only known after opening
 * @param details free-form facts from discovery (state, transport address, CPU model, ...), untrusted
 */
public record DeviceDescriptor(String id, DeviceKind kind, String name, String abi, Map<String, String> details) {
    public DeviceDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        name = name == null ? id : name;
        abi = abi == null ? "" : abi;
        details = Map.copyOf(details == null ? Map.of() : details);
    }

    /** The part of {@link #id} before the first ':' (the whole id when there is none). */
    public String scheme() {
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }
}

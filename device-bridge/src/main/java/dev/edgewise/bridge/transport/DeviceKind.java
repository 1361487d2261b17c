package dev.edgewise.bridge.transport;

/**
 * The four ways Edgewise reaches a device. The kind decides how every timing is labelled:
 * only {@link #EMULATED} runs are "emulated" (qemu-user gives correct outputs, but its timings say
 * nothing about a real ARM core).
 */
public enum DeviceKind {
    LOCAL("this computer"),
    EMULATED("emulated ARM (qemu-aarch64)"),
    ADB("Android over ADB"),
    SSH("ARM board over SSH");

    private final String label;

    DeviceKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

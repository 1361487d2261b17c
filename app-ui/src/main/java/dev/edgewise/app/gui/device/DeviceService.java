package dev.edgewise.app.gui.device;

import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.Devices;
import dev.edgewise.bridge.transport.Discovery;
import java.io.IOException;
import java.util.List;

/**
 * What the Device panel needs from device-bridge: find devices and open a session on one. Both
 * block and run on background threads. Tests give scripted devices; the application gives the
 * transports found on the class path ({@link #standard()}).
 */
public interface DeviceService {
    /** One entry per transport; never throws for "nothing found" (the problems say why). */
    List<Discovery> discover();

    DeviceSession open(String deviceId) throws IOException;

    /** The device chosen on a fresh install: the emulated ARM core, so the loop works without hardware. */
    String defaultDeviceId();

    /** The transports registered on the class path (this computer, qemu, ADB, SSH). */
    static DeviceService standard() {
        Devices devices = Devices.standard();
        return new DeviceService() {
            @Override
            public List<Discovery> discover() {
                return devices.discover();
            }

            @Override
            public DeviceSession open(String deviceId) throws IOException {
                return devices.open(deviceId);
            }

            @Override
            public String defaultDeviceId() {
                return Devices.DEFAULT_DEVICE;
            }
        };
    }
}

package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.proto.DeviceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which DeviceInfos mean "ARM code translated on x86" (timings then labelled emulated). */
class TranslationDetectionTest {
    private static DeviceInfo info(String arch, String cpu, List<String> hwcaps) {
        return DeviceInfo.newBuilder().setArch(arch).setCpuModel(cpu).addAllHwcaps(hwcaps).build();
    }

    @Test
    void realArmCpusAreNotTranslated() {
        // a Cortex-A76 phone: no "model name" on arm64 kernels, Features list from /proc/cpuinfo
        assertFalse(RunResults.translatedOnX86(info("aarch64", "", List.of("fp", "asimd", "asimddp", "fphp"))));
        assertFalse(RunResults.translatedOnX86(info("aarch64", "Qualcomm Technologies, Inc SM8450", List.of("asimd"))));
        // x86 hosts running the x86 agent are not translation either
        assertFalse(RunResults.translatedOnX86(info("x86_64", "Intel(R) Xeon(R) Processor", List.of("sse2", "avx2"))));
    }

    @Test
    void anArmAgentSeeingAnX86CpuIsTranslated() {
        assertTrue(RunResults.translatedOnX86(info("aarch64", "Intel(R) Xeon(R) Processor", List.of("fpu", "sse2"))));
        assertTrue(RunResults.translatedOnX86(info("aarch64", "AMD Ryzen 7 5800X 8-Core Processor", List.of())));
        assertTrue(RunResults.translatedOnX86(info("armv7l", "", List.of("sse2"))));
    }
}

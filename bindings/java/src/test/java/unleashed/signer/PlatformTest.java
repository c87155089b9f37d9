package unleashed.signer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which JNI library of the jar a JVM loads: the platform named from {@code os.name} and {@code os.arch}, and the
 * error on a platform the jar has no library for. bindings/java/arm64-test.sh also runs a JVM with
 * {@code -Dos.arch=riscv64} against the jar, on x86_64 and on arm64 under qemu, and checks that it fails with it.
 */
class PlatformTest {
    /** Set by arm64-test.sh to the platforms its jar must carry, comma-separated. */
    private static final String EXPECTED_PROPERTY = "unleashed.signer.test.platforms";

    @Test
    void theJdksArchitectureNamesMapToOnePlatformEach() {
        assertEquals("linux-x86_64", Native.platform("Linux", "amd64"));
        assertEquals("linux-aarch64", Native.platform("Linux", "aarch64"));
        assertEquals("windows-x86_64", Native.platform("Windows 11", "amd64"));
        assertEquals("windows-aarch64", Native.platform("Windows 11", "aarch64"));
        assertEquals("macos-x86_64", Native.platform("Mac OS X", "x86_64"));
        assertEquals("macos-aarch64", Native.platform("Mac OS X", "arm64"));
        assertEquals("linux-riscv64", Native.platform("Linux", "riscv64"));
        assertEquals("linux-ppc64le", Native.platform("Linux", "PPC64LE"));
    }

    @Test
    void eachPlatformHasItsOwnDirectoryAndFileName() {
        assertEquals("native/linux-x86_64/libunleashed_signer_jni.so", Native.resourceName("linux-x86_64"));
        assertEquals("native/linux-aarch64/libunleashed_signer_jni.so", Native.resourceName("linux-aarch64"));
        assertEquals("native/windows-x86_64/unleashed_signer_jni.dll", Native.resourceName("windows-x86_64"));
    }

    @Test
    void theRunningPlatformsLibraryIsInTheJar() {
        String running = Native.platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        assertTrue(Native.BUILT_PLATFORMS.contains(running), running + " is not a platform the project builds");
        assertNotNull(Native.class.getResource(Native.resourceName()), "no " + Native.resourceName());
        assertTrue(Native.carriedPlatforms().contains(running), "the jar carries " + Native.carriedPlatforms());
        String expected = System.getProperty(EXPECTED_PROPERTY, "");
        if (!expected.isEmpty()) {
            assertEquals(Arrays.asList(expected.split(",")), Native.carriedPlatforms(), "the jar's platforms");
        }
    }

    @Test
    void aPlatformWithoutALibraryIsNamedWithTheSupportedOnes() {
        String message = Native.missingLibraryMessage("Linux", "riscv64");
        assertTrue(message.startsWith("unleashed-signer has no native library for linux-riscv64 (os.name \"Linux\","
                + " os.arch \"riscv64\"): "), message);
        List<String> carried = Native.carriedPlatforms();
        assertTrue(message.contains("this jar carries " + String.join(", ", carried) + ", "), message);
        assertTrue(message.contains("of the supported platforms linux-x86_64, linux-aarch64, windows-x86_64."),
                message);
        assertTrue(message.contains("-D" + Native.LIBRARY_PROPERTY + "="), message);
    }
}

package unleashed.signer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The JNI library {@code libunleashed_signer_jni}: the C API of {@code unleashed_signer.h}, statically linked,
 * behind a few functions that only move bytes. Package-private: {@link SigningKey} is the API.
 *
 * <p>The library is loaded from this jar ({@code unleashed/signer/native/<os>-<arch>/}), copied to a private
 * temporary file first because a library cannot be loaded from inside a jar, or, for development, from the path
 * in the system property {@value #LIBRARY_PROPERTY}.
 */
final class Native {
    /** A path to {@code libunleashed_signer_jni.so} to load instead of the copy in the jar. */
    static final String LIBRARY_PROPERTY = "unleashed.signer.library";

    private Native() {}

    /**
     * The platforms the project builds a JNI library for, as {@code <os>-<arch>}: {@code build.sh} (the machine's
     * own: linux-x86_64, or linux-aarch64 on an arm64 machine), {@code build-aarch64.sh} and
     * {@code build-windows.sh} add the others to the jar. Declared before the static block, which reads it.
     */
    static final List<String> BUILT_PLATFORMS = List.of("linux-x86_64", "linux-aarch64", "windows-x86_64");

    static {
        String override = System.getProperty(LIBRARY_PROPERTY, "");
        if (override.isEmpty()) {
            loadFromJar();
        } else {
            System.load(Path.of(override).toAbsolutePath().toString());
        }
    }

    /** Where the jar keeps the library for this machine, relative to this class. */
    static String resourceName() {
        return resourceName(platform(System.getProperty("os.name", ""), System.getProperty("os.arch", "")));
    }

    /** Where the jar keeps the library for {@code platform} ({@code <os>-<arch>}), relative to this class. */
    static String resourceName(String platform) {
        String file = platform.startsWith("windows-") ? "unleashed_signer_jni.dll"
                : platform.startsWith("macos-") ? "libunleashed_signer_jni.dylib" : "libunleashed_signer_jni.so";
        return "native/" + platform + "/" + file;
    }

    /**
     * The {@code <os>-<arch>} a JVM with these {@code os.name} and {@code os.arch} properties runs on: the JDK says
     * {@code amd64} (Linux, Windows) or {@code x86_64} (macOS) for x86-64, {@code aarch64} (Linux, Windows) or
     * {@code arm64} (macOS) for arm64; any other architecture keeps its own name.
     */
    static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac")) {
            os = "macos";
        } else if (os.startsWith("windows")) {
            os = "windows";
        }
        arch = switch (arch) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return os + "-" + arch;
    }

    /** The platforms of {@link #BUILT_PLATFORMS} whose library this jar carries. */
    static List<String> carriedPlatforms() {
        return BUILT_PLATFORMS.stream().filter(p -> Native.class.getResource(resourceName(p)) != null).toList();
    }

    /** What a JVM on a platform this jar has no library for is told: its platform, and the ones there are. */
    static String missingLibraryMessage(String osName, String osArch) {
        return "unleashed-signer has no native library for " + platform(osName, osArch) + " (os.name \"" + osName
                + "\", os.arch \"" + osArch + "\"): this jar carries " + String.join(", ", carriedPlatforms())
                + ", of the supported platforms " + String.join(", ", BUILT_PLATFORMS) + ". Use a jar built for"
                + " yours (bindings/java/build.sh, build-aarch64.sh, build-windows.sh), or set -D" + LIBRARY_PROPERTY
                + "=<path to a libunleashed_signer_jni built for it>";
    }

    private static void loadFromJar() {
        String osName = System.getProperty("os.name", "");
        String osArch = System.getProperty("os.arch", "");
        String resource = resourceName(platform(osName, osArch));
        try (InputStream in = Native.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(missingLibraryMessage(osName, osArch));
            }
            // createTempFile makes the file readable and writable by this user only (on POSIX file systems).
            Path file = Files.createTempFile("unleashed_signer_jni", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toString());
            } finally {
                try {
                    Files.delete(file); // a loaded library stays mapped (Windows refuses: then at exit)
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        } catch (IOException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                    "cannot copy the unleashed-signer native library out of its jar: " + e.getMessage()
                            + " (check java.io.tmpdir, or set -D" + LIBRARY_PROPERTY + "=<path to the library>)");
            error.initCause(e);
            throw error;
        }
    }

    static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** unleashed_status_str, as UTF-8 bytes. */
    static native byte[] statusMessage(int status);

    /** unleashed_version, as UTF-8 bytes. */
    static native byte[] version();

    /** Zeroed native storage of unleashed_key_size() bytes; throws OutOfMemoryError. */
    static native long keyAlloc();

    /** unleashed_key_init; returns the C status. */
    static native int keyInit(long key, byte[] secret, int format);

    /** unleashed_key_clear. */
    static native void keyClear(long key);

    /** Frees storage from keyAlloc. */
    static native void keyFree(long key);

    /** For the tests: how many bytes of the key storage are not zero. */
    static native int keyNonZeroBytes(long key);

    /** unleashed_sign into {@code signature}, a byte[44]; throws UnleashedException. */
    static native void sign(long key, byte[] message, byte[] signature);

    /** unleashed_sign_query into {@code signature}, a byte[44]; throws UnleashedException. */
    static native void signQuery(long key, byte[] query, int form, byte[] signature);

    /** unleashed_sign_url into {@code signature}, a byte[44]; throws UnleashedException. */
    static native void signUrl(long key, byte[] url, int form, byte[] signature);

    /** {@code sizeof(unleashed_headers)}: three NUL-terminated values, chars only (checked by HeaderTest). */
    static final int HEADERS_SIZE = 147;
    /** Where each value starts in an {@code unleashed_headers}: api_id, signature, client_type. */
    static final int HEADERS_API_ID = 0;
    static final int HEADERS_SIGNATURE = 37;
    static final int HEADERS_CLIENT_TYPE = 82;

    /**
     * unleashed_headers_for_url into {@code headers}, a byte[HEADERS_SIZE]; throws UnleashedException.
     */
    static native void headersForUrl(long key, byte[] apiId, byte[] clientType, byte[] url, int form, byte[] headers);

    /** The NUL-terminated value that starts at {@code offset} of an {@code unleashed_headers}. */
    static String headerValue(byte[] headers, int offset) {
        int end = offset;
        while (end < headers.length && headers[end] != 0) {
            end++;
        }
        return new String(headers, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** unleashed_verify; returns the C status. */
    static native int verify(long key, byte[] message, byte[] signature);

    /** unleashed_verify_url; returns the C status. */
    static native int verifyUrl(long key, byte[] url, int form, byte[] signature);

    /** unleashed_api_id_validate; returns the C status. */
    static native int validateApiId(byte[] id);

    /** unleashed_client_type_validate; returns the C status. */
    static native int validateClientType(byte[] clientType);

    /**
     * unleashed_build_query over parameters packed into {@code data} (name, value, name, value... back to back)
     * with their byte lengths in {@code lengths}: returns the query's bytes and writes its signature into
     * {@code signature}, a byte[44]; throws UnleashedException.
     */
    static native byte[] buildQuery(long key, byte[] data, int[] lengths, int form, byte[] signature);

    /** The signature characters a signing call wrote (base64: ASCII, so one byte per char). */
    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}

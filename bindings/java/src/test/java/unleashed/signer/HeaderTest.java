package unleashed.signer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java constants, version and packaging against include/unleashed_signer.h, Cargo.toml and the jar. */
class HeaderTest {
    private static final String HEADER = String.join("\n", TestData.lines("include/unleashed_signer.h"));

    private static Map<String, String> matches(String regex) {
        Map<String, String> found = new TreeMap<>();
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(HEADER);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        assertTrue(!found.isEmpty(), "nothing in the header matches " + regex);
        return found;
    }

    @Test
    void statusNumbersAreTheHeaders() throws IllegalAccessException {
        Map<String, String> header = matches("^\\s*UNLEASHED_([A-Z0-9_]+) = ([0-9]+),$");
        Map<String, String> java = new TreeMap<>();
        for (Field field : UnleashedException.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                java.put(field.getName(), String.valueOf(field.getInt(null)));
            }
        }
        assertEquals(header, java, "UnleashedException's constants differ from enum unleashed_status");
    }

    @Test
    void keyFormatsAndSignedFormsAreTheHeaders() {
        Map<String, String> formats = new TreeMap<>();
        for (KeyFormat format : KeyFormat.values()) {
            formats.put(format.name(), String.valueOf(format.code));
        }
        assertEquals(matches("^#define UNLEASHED_KEY_FORMAT_([A-Z0-9_]+) ([0-9]+)$"), formats);
        Map<String, String> forms = new TreeMap<>();
        for (SignedForm form : SignedForm.values()) {
            forms.put(form.name(), String.valueOf(form.code));
        }
        assertEquals(matches("^#define UNLEASHED_SIGNED_FORM_([A-Z0-9_]+) ([0-9]+)$"), forms);
    }

    @Test
    void signatureLengthAndHeaderNamesAreTheHeaders() {
        assertEquals(Map.of("LEN", String.valueOf(SigningKey.SIGNATURE_LENGTH)),
                matches("^#define UNLEASHED_SIGNATURE_(LEN) ([0-9]+)$"));
        assertEquals(Map.of("API_AUTH_ID", RequestSigner.API_AUTH_ID, "API_AUTH_SIGNATURE",
                RequestSigner.API_AUTH_SIGNATURE, "CLIENT_TYPE", RequestSigner.CLIENT_TYPE),
                matches("^#define UNLEASHED_HEADER_([A-Z_]+) \"([^\"]+)\"$"));
    }

    @Test
    void theHeadersStructIsWhereNativeReadsIt() {
        // struct unleashed_headers is char arrays only (no padding): each field starts where the one before ends.
        Matcher struct = Pattern.compile("(?s)typedef struct unleashed_headers \\{(.*?)\\} unleashed_headers;")
                .matcher(HEADER);
        assertTrue(struct.find(), "no struct unleashed_headers in the header");
        Matcher field = Pattern.compile("^\\s*char ([a-z_]+)\\[([0-9]+)\\];$", Pattern.MULTILINE)
                .matcher(struct.group(1));
        Map<String, Integer> offsets = new TreeMap<>();
        int size = 0;
        while (field.find()) {
            offsets.put(field.group(1), size);
            size += Integer.parseInt(field.group(2));
        }
        assertEquals(Map.of("api_id", Native.HEADERS_API_ID, "signature", Native.HEADERS_SIGNATURE, "client_type",
                Native.HEADERS_CLIENT_TYPE), offsets);
        assertEquals(Native.HEADERS_SIZE, size);
    }

    @Test
    void oneVersionEverywhere() {
        String cargo = String.join("\n", TestData.lines("Cargo.toml"));
        Matcher workspace =
                Pattern.compile("(?s)\\[workspace\\.package\\][^\\[]*?\\nversion = \"([^\"]+)\"").matcher(cargo);
        assertTrue(workspace.find(), "no [workspace.package] version in Cargo.toml");
        String version = workspace.group(1);
        Map<String, String> parts = matches("^#define UNLEASHED_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)$");
        assertEquals(version, parts.get("MAJOR") + "." + parts.get("MINOR") + "." + parts.get("PATCH"), "header");
        assertEquals(version, Native.text(Native.version()), "the C library linked into the JNI library");
        assertEquals(version, manifestVersion(), "Implementation-Version in the jar's manifest");
        assertTrue(TestData.lines("bindings/java/MANIFEST.MF").contains("Implementation-Version: " + version));
    }

    @Test
    void theNativeLibraryComesFromTheJar() throws Exception {
        assertNull(System.getProperty(Native.LIBRARY_PROPERTY), "the tests must use the jar's own library");
        URL library = Native.class.getResource(Native.resourceName());
        assertTrue(library != null && library.getProtocol().equals("jar"), "not in a jar: " + library);
        assertEquals("unleashed-signer-" + manifestVersion() + ".jar",
                library.getPath().replaceFirst("!.*", "").replaceFirst(".*/", ""));
        Path jar = jar();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (String licence : new String[] {"LICENSE-MIT", "LICENSE-APACHE"}) {
                JarEntry entry = file.getJarEntry("META-INF/" + licence);
                assertTrue(entry != null, licence + " is not in " + jar);
                try (InputStream in = file.getInputStream(entry)) {
                    assertArrayEquals(Files.readAllBytes(TestData.repo().resolve(licence)), in.readAllBytes());
                }
            }
        }
    }

    /** The jar SigningKey was loaded from (the test classes are a directory of their own). */
    private static Path jar() throws Exception {
        return Path.of(SigningKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String manifestVersion() {
        try (JarFile file = new JarFile(jar().toFile())) {
            return file.getManifest().getMainAttributes().getValue("Implementation-Version");
        } catch (Exception e) {
            throw new AssertionError("cannot read the jar's manifest", e);
        }
    }
}

package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What the binding rejects, and how: the C status, a message that says what to fix, never the key. */
class BadInputTest {
    private static final String KEY = TestData.e2e().key(); // made up, as every key in testdata/
    private static final String API_ID = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    private static final String CLIENT = "acme/orderautomation";

    /** Asserts an UnleashedException (an IllegalArgumentException) with this status whose message says {@code hint}. */
    private static UnleashedException rejects(int status, String hint, Executable call) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, call);
        UnleashedException e = assertInstanceOf(thrown);
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(hint), "'" + e.getMessage() + "' does not say '" + hint + "'");
        assertTrue(e.getMessage().contains("(unleashed_status " + status + ")"), e.getMessage());
        assertFalse(e.getMessage().contains("ExAmPlE"), "the message shows the key");
        assertEquals(UnleashedException.message(status) + " (unleashed_status " + status + ")", e.getMessage());
        return e;
    }

    private static UnleashedException assertInstanceOf(IllegalArgumentException thrown) {
        assertTrue(thrown instanceof UnleashedException, "not an UnleashedException: " + thrown);
        return (UnleashedException) thrown;
    }

    @Test
    void keysUnleashedNeverIssues() {
        rejects(UnleashedException.EMPTY_KEY, "empty", () -> new SigningKey(""));
        rejects(UnleashedException.KEY_WHITESPACE, "whitespace", () -> new SigningKey(KEY + "\n"));
        rejects(UnleashedException.KEY_WHITESPACE, "whitespace", () -> new SigningKey(KEY + " "));
        rejects(UnleashedException.KEY_CONTROL_CHARACTER, "control", () -> new SigningKey("ExAmPlE\u0007key"));
        rejects(UnleashedException.KEY_NOT_UTF8, "utf-8", () -> new SigningKey(new byte[] {'E', 'x', (byte) 0xff}));
        rejects(UnleashedException.INVALID_BASE64, "base64",
                () -> new SigningKey("ExAmPlE!".getBytes(UTF_8), KeyFormat.BASE64));
        rejects(UnleashedException.EMPTY_KEY, "empty", () -> new SigningKey(new byte[0], KeyFormat.RAW));
    }

    @Test
    void queriesThatCannotBeDecoded() {
        try (SigningKey key = new SigningKey(KEY)) {
            rejects(UnleashedException.MALFORMED_ESCAPE, "%", () -> key.signUrl("Customers?name=100%"));
            rejects(UnleashedException.MALFORMED_ESCAPE, "%", () -> key.signQuery("name=%zz"));
            rejects(UnleashedException.MALFORMED_ESCAPE, "%",
                    () -> key.verifyUrl("Customers?name=%4", "x".repeat(44)));
            // The wire form signs the bytes as they are, so nothing is malformed.
            assertEquals(key.sign("name=%zz"), key.signQuery("name=%zz", SignedForm.WIRE));
            rejects(UnleashedException.EMPTY_PARAMETER_NAME, "name",
                    () -> key.buildQuery(List.of(Map.entry("a", "1"), Map.entry("", "2"))));
        }
    }

    @Test
    void credentialsForHeaders() {
        try (SigningKey key = new SigningKey(KEY)) {
            rejects(UnleashedException.INVALID_API_ID, "id", () -> key.headers("not-a-guid", CLIENT, "Customers"));
            rejects(UnleashedException.INVALID_CLIENT_TYPE, "client", () -> key.headers(API_ID, "acme", "Customers"));
            rejects(UnleashedException.INVALID_API_ID, "id", () -> new RequestSigner(key, API_ID + " ", CLIENT));
            rejects(UnleashedException.INVALID_CLIENT_TYPE, "client", () -> new RequestSigner(key, API_ID, "a b/c"));
            // (A java.net.URI cannot hold a malformed escape: URI.create rejects it before RequestSigner sees it.)
        }
    }

    @Test
    void nullsAreNamed() {
        try (SigningKey key = new SigningKey(KEY)) {
            assertEquals("message must not be null",
                    assertThrows(NullPointerException.class, () -> key.sign((String) null)).getMessage());
            assertEquals("form must not be null",
                    assertThrows(NullPointerException.class, () -> key.signUrl("Customers", null)).getMessage());
            assertThrows(NullPointerException.class, () -> key.buildQuery(List.of(Map.entry("a", "1")), null));
            assertThrows(NullPointerException.class, () -> new SigningKey((String) null));
            assertThrows(NullPointerException.class, () -> key.headers(null, CLIENT, "Customers"));
        }
    }

    @Test
    void aClosedKeySaysSo() {
        SigningKey key = new SigningKey(KEY);
        key.close();
        key.close(); // twice is fine
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> key.sign("customerCode=ACME"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> key.verify("a", "b"));
        assertThrows(IllegalStateException.class, () -> key.buildQuery(Map.of("a", "b")));
        assertEquals("SigningKey[closed]", key.toString());
    }

    @Test
    void lengthsAreUtf8BytesNeverChars() throws Exception {
        // Non-ASCII, a supplementary character (two chars, four bytes) and NUL (which JNI's "modified UTF-8" would
        // encode as two bytes): each must be signed as its standard UTF-8 bytes, as javax.crypto.Mac does.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(UTF_8), "HmacSHA256"));
        try (SigningKey key = new SigningKey(KEY)) {
            for (String message : List.of("customerName=Café Zoë", "q=\uD83D\uDE00 東京", "a\u0000b", "")) {
                String expected = Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(UTF_8)));
                assertEquals(expected, key.sign(message), message);
                assertTrue(key.verify(message, expected));
            }
            String query = key.buildQuery(Map.of("q", "\uD83D\uDE00\u0000")).query();
            assertEquals("q=%F0%9F%98%80%00", query);
        }
    }

    @Test
    void verifyOnlyAcceptsTheSignature() {
        try (SigningKey key = new SigningKey(KEY)) {
            String signature = key.sign("customerCode=ACME");
            assertTrue(key.verify("customerCode=ACME", signature));
            assertFalse(key.verify("customerCode=ACMF", signature));
            assertFalse(key.verify("customerCode=ACME", signature.substring(0, 43)));
            assertFalse(key.verify("customerCode=ACME", ""));
            assertFalse(key.verify("customerCode=ACME", signature + "A"));
        }
    }

    @Test
    void nothingPrintsTheKey() {
        try (SigningKey key = new SigningKey(KEY)) {
            assertEquals("SigningKey[open]", key.toString());
            String signer = new RequestSigner(key, API_ID, CLIENT).toString();
            assertFalse(signer.contains("ExAmPlE"), signer);
        }
    }

    @Test
    void aLongQueryIsBuiltInOneRetry() {
        // Longer than the JNI library's first 512-byte buffer: the C call reports the size and is made again.
        try (SigningKey key = new SigningKey(KEY)) {
            String value = "é".repeat(300); // 600 bytes, 1800 when encoded
            SignedQuery built = key.buildQuery(Map.of("name", value));
            assertEquals("name=" + "%C3%A9".repeat(300), built.query());
            assertEquals(key.sign("name=" + value), built.signature());
            SignedQuery wire = key.buildQuery(List.of(Map.entry("name", value)), SignedForm.WIRE);
            assertEquals(key.signQuery(built.query(), SignedForm.WIRE), wire.signature());
        }
    }
}

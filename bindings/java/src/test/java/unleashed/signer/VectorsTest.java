package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import unleashed.signer.TestData.Vector;

/** Every line of testdata/vectors.txt, through the public API wherever its bytes are text. */
class VectorsTest {
    @Test
    void theFileHoldsEveryKindAndFormat() {
        List<Vector> vectors = TestData.vectors();
        Set<String> seen = new TreeSet<>();
        for (Vector v : vectors) {
            seen.add(v.kind() + " " + v.keyFormat() + (v.form() == null ? "" : " " + v.form()));
        }
        assertTrue(vectors.size() >= 100, "only " + vectors.size() + " vectors");
        for (String kind : List.of("sign TEXT", "sign RAW", "sign BASE64", "url TEXT DECODED", "url TEXT WIRE",
                "query TEXT DECODED", "query TEXT WIRE")) {
            assertTrue(seen.contains(kind), "no '" + kind + "' vector in " + seen);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyVector() {
        return TestData.vectors().stream().map(v -> dynamicTest(v.toString(), () -> check(v)));
    }

    private static void check(Vector v) {
        try (SigningKey key = new SigningKey(v.key(), v.keyFormat())) {
            switch (v.kind()) {
                case "sign" -> checkSign(key, v);
                case "url" -> checkUrl(key, v);
                case "query" -> checkQuery(key, v);
                default -> throw new AssertionError("unknown kind " + v.kind());
            }
        }
        if (v.keyFormat() == KeyFormat.TEXT) {
            // The String constructor must give the same key as the bytes of its text.
            String text = TestData.utf8(v.key()).orElseThrow();
            try (SigningKey key = new SigningKey(text)) {
                if (v.kind().equals("sign")) {
                    assertEquals(v.signature(), key.sign(TestData.hex(v.input())));
                } else {
                    String query = new String(v.expectedWire(), UTF_8);
                    assertEquals(v.signature(), key.signQuery(query, v.form()), "same key, signing the wire query");
                }
            }
        }
    }

    private static void checkSign(SigningKey key, Vector v) {
        byte[] message = TestData.hex(v.input());
        assertEquals(v.signature(), key.sign(message));
        assertTrue(key.verify(message, v.signature()));
        assertFalse(key.verify(message, flipped(v.signature())));
        Optional<String> text = TestData.utf8(message);
        text.ifPresent(t -> {
            assertEquals(v.signature(), key.sign(t));
            assertTrue(key.verify(t, v.signature()));
        });
    }

    private static void checkUrl(SigningKey key, Vector v) {
        String url = TestData.utf8(TestData.hex(v.input())).orElseThrow(() -> new AssertionError("URL not UTF-8"));
        assertEquals(v.signature(), key.signUrl(url, v.form()));
        assertTrue(key.verifyUrl(url, v.signature(), v.form()));
        assertFalse(key.verifyUrl(url, flipped(v.signature()), v.form()));
        if (v.form() == SignedForm.DECODED) {
            assertEquals(v.signature(), key.signUrl(url), "DECODED is the default");
        }
        // The query alone, as RequestSigner signs it.
        String query = new String(v.expectedWire(), UTF_8);
        assertEquals(v.signature(), key.signQuery(query, v.form()));
    }

    private static void checkQuery(SigningKey key, Vector v) {
        List<byte[]> params = v.params();
        String expectedQuery = new String(v.expectedWire(), UTF_8); // percent-encoded: ASCII
        SignedQuery built = key.buildQueryBytes(params, v.form());
        assertEquals(expectedQuery, built.query());
        assertEquals(v.signature(), built.signature());
        assertEquals(v.signature(), key.signQuery(built.query(), v.form()), "the built query signs the same");

        List<Map.Entry<String, String>> text = new ArrayList<>();
        for (int i = 0; i < params.size(); i += 2) {
            Optional<String> name = TestData.utf8(params.get(i));
            Optional<String> value = TestData.utf8(params.get(i + 1));
            if (name.isEmpty() || value.isEmpty()) {
                return; // non-UTF-8 bytes: only the byte-level builder above can take them
            }
            text.add(Map.entry(name.get(), value.get()));
        }
        assertEquals(built, key.buildQuery(text, v.form()));
        if (v.form() == SignedForm.DECODED) {
            assertEquals(built, key.buildQuery(text), "DECODED is the default");
        }
    }

    /** The signature with its first character changed (still 44 base64 characters). */
    private static String flipped(String signature) {
        return (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);
    }
}

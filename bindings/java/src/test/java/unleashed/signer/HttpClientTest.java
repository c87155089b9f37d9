package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * java.net.http.HttpClient, signed by RequestSigner, against testing/mock_unleashed.py (Python's own hmac) on the
 * loopback: every case of testdata/e2e_cases.txt in both signed forms gives 200, a wrong key gives 403.
 */
class HttpClientTest {
    private static final TestData.E2e E2E = TestData.e2e();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Map<SignedForm, Mock> MOCKS = new LinkedHashMap<>();

    /** The mock server, started with one signed form; it exits when its stdin closes. */
    private record Mock(Process process, URI base) implements AutoCloseable {
        static Mock start(SignedForm form) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("python3", "testing/mock_unleashed.py", "--form",
                    form.name().toLowerCase(Locale.ROOT), "--lifetime", "300")
                    .directory(TestData.repo().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("MOCK_UNLEASHED_API_ID", E2E.apiId());
            builder.environment().put("MOCK_UNLEASHED_API_KEY", E2E.key());
            Process process = builder.start();
            String port = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8)).readLine();
            if (port == null || !port.matches("[0-9]+")) {
                process.destroy();
                throw new IOException("the mock server did not print its port (got " + port + ")");
            }
            return new Mock(process, URI.create("http://127.0.0.1:" + port + "/"));
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
        }
    }

    @BeforeAll
    static void startMocks() throws IOException {
        for (SignedForm form : SignedForm.values()) {
            MOCKS.put(form, Mock.start(form));
        }
    }

    @AfterAll
    static void stopMocks() throws IOException {
        for (Mock mock : MOCKS.values()) {
            mock.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** The mock's 200 body: one "name value" per line. */
    private static Map<String, String> fields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            String[] nameValue = line.split(" ", 2);
            fields.put(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
        }
        return fields;
    }

    /** What the mock must have checked: the parameters joined (decoded form) or the query as sent (wire form). */
    private static String expectedMessage(List<Map.Entry<String, String>> params, String wireQuery, SignedForm form) {
        if (form == SignedForm.WIRE) {
            return HexFormat.of().formatHex(wireQuery.getBytes(UTF_8));
        }
        List<String> pairs = new ArrayList<>();
        params.forEach(p -> pairs.add(p.getKey() + "=" + p.getValue()));
        return HexFormat.of().formatHex(String.join("&", pairs).getBytes(UTF_8));
    }

    @TestFactory
    Stream<DynamicTest> everyCaseInBothFormsIsAccepted() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SignedForm form : SignedForm.values()) {
            for (int i = 0; i < E2E.cases().size(); i++) {
                List<Map.Entry<String, String>> params = E2E.cases().get(i);
                tests.add(dynamicTest(form + " case " + (i + 1), () -> {
                    try (SigningKey key = new SigningKey(E2E.key())) {
                        SignedQuery query = key.buildQuery(params, form);
                        URI uri = MOCKS.get(form).base().resolve("Customers?" + query.query());
                        RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType(), form);
                        HttpResponse<String> response = send(signer.sign(HttpRequest.newBuilder(), uri).GET().build());
                        assertEquals(200, response.statusCode(), "the mock refused " + uri);
                        Map<String, String> got = fields(response.body());
                        assertEquals("/Customers?" + query.query(), got.get("target"));
                        assertEquals(expectedMessage(params, query.query(), form), got.get("message"));
                        // The signature RequestSigner sent is the one buildQuery made for the same query.
                        assertEquals(query.signature(),
                                signer.sign(HttpRequest.newBuilder(), uri).build().headers()
                                        .firstValue(RequestSigner.API_AUTH_SIGNATURE).orElseThrow());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> aWrongKeyIsRefused() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SignedForm form : SignedForm.values()) {
            for (int i = 0; i < E2E.cases().size(); i++) {
                List<Map.Entry<String, String>> params = E2E.cases().get(i);
                tests.add(dynamicTest(form + " case " + (i + 1) + ", other-key", () -> {
                    try (SigningKey wrong = new SigningKey(E2E.otherKey())) {
                        URI uri = MOCKS.get(form).base().resolve("Customers?" + wrong.buildQuery(params, form).query());
                        RequestSigner signer = new RequestSigner(wrong, E2E.apiId(), E2E.clientType(), form);
                        HttpResponse<String> response = send(signer.newRequest(uri).GET().build());
                        assertEquals(403, response.statusCode());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void aPostWithABodyAndTheHeadersSent() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType());
            URI uri = MOCKS.get(SignedForm.DECODED).base().resolve("SalesOrders/1?customerName=Acme%20%26%20Sons");
            HttpResponse<String> response = send(signer.newRequest(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                    .build());
            assertEquals(200, response.statusCode());
            Map<String, String> got = fields(response.body());
            assertEquals(HexFormat.of().formatHex("{\"a\":1}".getBytes(UTF_8)), got.get("body"));
            String names = got.get("header-names").toLowerCase(Locale.ROOT);
            for (String name : List.of("api-auth-id", "api-auth-signature", "client-type", "accept", "content-type")) {
                assertTrue(("," + names + ",").contains("," + name + ","), name + " not in " + names);
            }
        }
    }

    @Test
    void aUriWithUnencodedNonAsciiIsSignedAsSent() throws Exception {
        // java.net.URI keeps non-ASCII characters unencoded in getRawQuery(); HttpClient sends them NFC-normalised
        // and percent-encoded, and that is what must be signed, in both forms. "e\u0301" is a decomposed é.
        try (SigningKey key = new SigningKey(E2E.key())) {
            for (SignedForm form : SignedForm.values()) {
                RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType(), form);
                URI base = MOCKS.get(form).base();
                for (String query : List.of("customerName=Café Zoë", "customerName=Cafe\u0301", "q=東京&x=1")) {
                    URI uri = new URI("http", null, base.getHost(), base.getPort(), "/Customers", query, null);
                    assertTrue(!uri.getRawQuery().chars().allMatch(c -> c < 0x80), "the URI was encoded already");
                    HttpResponse<String> response = send(signer.newRequest(uri).build());
                    assertEquals(200, response.statusCode(), form + " " + query);
                    String sent = fields(response.body()).get("target").replaceFirst("^[^?]*\\?", "");
                    assertTrue(sent.matches("[\\x21-\\x7e]*"), "not percent-encoded on the wire: " + sent);
                }
            }
        }
    }

    @Test
    void aRequestWithoutQuerySignsTheEmptyString() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            for (SignedForm form : SignedForm.values()) {
                RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType(), form);
                URI uri = MOCKS.get(form).base().resolve("Customers");
                HttpResponse<String> response = send(signer.newRequest(uri).build());
                assertEquals(200, response.statusCode(), form.toString());
                assertEquals("", fields(response.body()).get("message"));
            }
        }
    }
}

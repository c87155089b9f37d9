package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of testdata/http_conformance.txt (docs/http-contract.md), sent by {@link UnleashedClient} to
 * testing/mock_unleashed.py --other-origin, whose second origin must receive nothing. The file's header comment
 * says how to read it; each case is one test, named after it, and the last test asks the other origin.
 */
class ConformanceTest {
    /** The file: its settings ("key", "api-id", ...) and its cases, each a map of its fields. */
    private record Suite(Map<String, String> settings, List<Map<String, String>> cases) {
        static Suite read() {
            Map<String, String> settings = new LinkedHashMap<>();
            List<Map<String, String>> cases = new ArrayList<>();
            for (String line : TestData.lines("testdata/http_conformance.txt")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] nameRest = line.split(" ", 2);
                if (nameRest[0].equals("case")) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (String field : nameRest[1].split(" ")) {
                        String[] nameValue = field.split("=", 2);
                        fields.put(nameValue[0], nameValue[1]);
                    }
                    cases.add(fields);
                } else {
                    settings.put(nameRest[0], nameRest[1]);
                }
            }
            assertTrue(cases.size() >= 15, "testdata/http_conformance.txt has " + cases.size() + " cases");
            return new Suite(settings, cases);
        }
    }

    /** The mock with its second origin; it exits when its stdin closes. */
    private record Mock(Process process, int main, int other) implements AutoCloseable {
        static Mock start(Suite suite) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("python3", "testing/mock_unleashed.py", "--form",
                    suite.settings().get("form"), "--other-origin", "--lifetime", "300")
                    .directory(TestData.repo().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("MOCK_UNLEASHED_API_ID", suite.settings().get("api-id"));
            builder.environment().put("MOCK_UNLEASHED_API_KEY", suite.settings().get("key"));
            Process process = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
            String main = out.readLine();
            String other = out.readLine();
            if (main == null || other == null || !main.matches("[0-9]+") || !other.matches("[0-9]+")) {
                process.destroy();
                throw new IOException("the mock did not print its two ports (got " + main + ", " + other + ")");
            }
            return new Mock(process, Integer.parseInt(main), Integer.parseInt(other));
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
        }
    }

    private static String unhex(String hex) {
        return new String(TestData.hex(hex), UTF_8);
    }

    /** The values of every "name value" line of a mock's 200 body with this name. */
    private static List<String> lines(String body, String name) {
        List<String> values = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.equals(name)) {
                values.add("");
            } else if (line.startsWith(name + " ")) {
                values.add(line.substring(name.length() + 1));
            }
        }
        return values;
    }

    private static void check(Suite suite, Mock mock, Map<String, String> c) throws Exception {
        try (SigningKey key = new SigningKey(suite.settings().get("key"))) {
            RequestSigner signer = new RequestSigner(key, c.get("api-id"), suite.settings().get("client-type"),
                    SignedForm.valueOf(suite.settings().get("form").toUpperCase(java.util.Locale.ROOT)));
            UnleashedClient client = new UnleashedClient(signer);
            // java.net.URI keeps raw non-ASCII characters; UnleashedClient sends and signs their encoded form.
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    new URI("http://127.0.0.1:" + mock.main() + unhex(c.get("url"))));
            if (!c.get("accept").equals("-")) {
                request.header("Accept", c.get("accept"));
            }
            if (c.get("expect").equals("refused")) {
                assertThrows(RedirectRefusedException.class,
                        () -> client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
                return;
            }
            assertEquals("200", c.get("expect"), "an expectation this test does not know");
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "the mock refused the signature: " + response.body());
            String body = response.body();
            assertEquals(List.of(""), lines(body, "origin main"), body);
            assertEquals(List.of(c.get("message").equals("-") ? "" : c.get("message")), lines(body, "message"));
            assertEquals(List.of(c.get("accept-received")), lines(body, "accept"));
            assertTrue(lines(body, "content-type").size() <= 1, body);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        Suite suite = Suite.read();
        Mock mock = Mock.start(suite);
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, String> c : suite.cases()) {
            tests.add(dynamicTest(c.get("name"), () -> check(suite, mock, c)));
        }
        tests.add(dynamicTest("the other origin received nothing", () -> {
            try {
                HttpResponse<String> received = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + mock.other() + "/_received")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, received.statusCode());
                assertEquals("", received.body(), "requests that reached the other origin");
            } finally {
                mock.close();
            }
        }));
        return tests.stream();
    }
}

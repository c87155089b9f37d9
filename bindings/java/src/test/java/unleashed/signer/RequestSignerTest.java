package unleashed.signer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What RequestSigner puts on a request, without sending it: one value per header, the caller's kept. */
class RequestSignerTest {
    private static final TestData.E2e E2E = TestData.e2e();
    private static final URI ACME = URI.create("https://api.unleashedsoftware.com/Customers?customerCode=ACME");

    private static List<String> values(HttpRequest request, String name) {
        return request.headers().allValues(name);
    }

    @Test
    void theDefaultsAreJsonWhenTheCallerSetsNone() {
        try (SigningKey key = new SigningKey(E2E.key())) {
            HttpRequest request = new RequestSigner(key, E2E.apiId(), E2E.clientType()).newRequest(ACME).build();
            assertEquals(List.of("application/json"), values(request, "Accept"));
            assertEquals(List.of("application/json"), values(request, "Content-Type"));
            assertEquals(List.of(key.signUrl(ACME.toString())), values(request, RequestSigner.API_AUTH_SIGNATURE));
        }
    }

    @Test
    void anAcceptOrContentTypeSetBeforeSignIsKept() {
        try (SigningKey key = new SigningKey(E2E.key())) {
            RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType());
            HttpRequest request = signer.sign(HttpRequest.newBuilder()
                    .header("accept", "application/xml")
                    .header("Content-Type", "application/xml"), ACME).build();
            assertEquals(List.of("application/xml"), values(request, "Accept"));
            assertEquals(List.of("application/xml"), values(request, "Content-Type"));
        }
    }

    @Test
    void anAcceptOrContentTypeAddedAfterNewRequestReplacesTheDefaultInsteadOfGoingOutTwice() {
        try (SigningKey key = new SigningKey(E2E.key())) {
            RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType());
            HttpRequest request = signer.newRequest(ACME)
                    .header("Accept", "application/xml")
                    .headers("content-type", "application/xml", "X-Trace", "1")
                    .GET()
                    .build();
            assertEquals(List.of("application/xml"), values(request, "Accept"));
            assertEquals(List.of("application/xml"), values(request, "Content-Type"));
            // Only the first replaces the default: a second header() call adds, as HttpRequest.Builder does.
            HttpRequest two = signer.newRequest(ACME).header("Accept", "a/b").header("Accept", "c/d").build();
            assertEquals(List.of("a/b", "c/d"), values(two, "Accept"));
            // A copy carries the same state, and setHeader() replaces as always.
            HttpRequest.Builder builder = signer.newRequest(ACME);
            assertEquals(List.of("x/y"), values(builder.copy().header("Accept", "x/y").build(), "Accept"));
            assertEquals(List.of("x/y"), values(builder.setHeader("Accept", "x/y").build(), "Accept"));
        }
    }

    @Test
    void theBuilderReturnedWritesThroughToTheCallersBuilder() {
        try (SigningKey key = new SigningKey(E2E.key())) {
            HttpRequest.Builder mine = HttpRequest.newBuilder();
            new RequestSigner(key, E2E.apiId(), E2E.clientType()).sign(mine, ACME).POST(
                    HttpRequest.BodyPublishers.ofString("{}")).version(HttpClient.Version.HTTP_1_1);
            HttpRequest request = mine.build();
            assertEquals("POST", request.method());
            assertEquals(ACME, request.uri());
            assertEquals(HttpClient.Version.HTTP_1_1, request.version().orElseThrow());
            assertTrue(request.headers().firstValue(RequestSigner.API_AUTH_SIGNATURE).isPresent());
            assertThrows(IllegalArgumentException.class, () -> new RequestSigner(key, E2E.apiId(), E2E.clientType())
                    .newRequest(ACME).headers("Accept"));
        }
    }

    @Test
    void anUpperCaseApiIdGoesOutInLowerCase() {
        String upper = E2E.apiId().toUpperCase(Locale.ROOT);
        assertFalse(upper.equals(E2E.apiId()), "the test's API id has no letter: this would prove nothing");
        try (SigningKey key = new SigningKey(E2E.key())) {
            HttpRequest request = new RequestSigner(key, upper, E2E.clientType()).newRequest(ACME).build();
            assertEquals(List.of(E2E.apiId().toLowerCase(Locale.ROOT)), values(request, RequestSigner.API_AUTH_ID));
            assertEquals(E2E.apiId().toLowerCase(Locale.ROOT),
                    key.headers(upper, E2E.clientType(), "Customers").get(RequestSigner.API_AUTH_ID));
        }
    }

    @Test
    void unleashedClientRefusesAnHttpClientThatFollowsRedirects() {
        try (SigningKey key = new SigningKey(E2E.key())) {
            RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType());
            for (HttpClient.Redirect redirect : List.of(HttpClient.Redirect.NORMAL, HttpClient.Redirect.ALWAYS)) {
                HttpClient following = HttpClient.newBuilder().followRedirects(redirect).build();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new UnleashedClient(following, signer));
                assertTrue(e.getMessage().contains("Redirect.NEVER"), e.getMessage());
            }
            assertEquals(HttpClient.Redirect.NEVER, new UnleashedClient(signer).httpClient().followRedirects());
        }
    }

    @Test
    void sameOriginComparesSchemeHostAndPortWithDefaults() {
        URI a = URI.create("https://api.unleashedsoftware.com/Customers");
        assertTrue(UnleashedClient.sameOrigin(a, URI.create("HTTPS://API.unleashedsoftware.com:443/x?y")));
        assertFalse(UnleashedClient.sameOrigin(a, URI.create("http://api.unleashedsoftware.com/Customers")));
        assertFalse(UnleashedClient.sameOrigin(a, URI.create("https://api.unleashedsoftware.com:8443/Customers")));
        assertFalse(UnleashedClient.sameOrigin(a, URI.create("https://api.unleashedsoftware.com.evil/Customers")));
        assertFalse(UnleashedClient.sameOrigin(a, URI.create("/Customers")));
        assertTrue(UnleashedClient.sameOrigin(URI.create("http://127.0.0.1/"), URI.create("http://127.0.0.1:80/")));
    }
}

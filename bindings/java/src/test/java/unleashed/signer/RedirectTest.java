package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * UnleashedClient's redirects, against two loopback origins served by the JDK's own HttpServer (two ports, so two
 * origins): same-origin hops signed for their own query, cross-origin redirects refused with nothing sent, as
 * the servers recorded it. Nothing in this class may send a request to "other".
 */
class RedirectTest {
    private static final TestData.E2e E2E = TestData.e2e();
    private static HttpServer home;
    private static HttpServer other;
    /** The request headers each server received, by path and query ("/echo?page=2"), lower-case names. */
    private static final Map<String, Map<String, List<String>>> RECEIVED = new ConcurrentHashMap<>();
    /** The first request each server received for a path and query, redirects included. */
    private static final Map<String, Map<String, List<String>>> RECEIVED_FIRST = new ConcurrentHashMap<>();
    /** Every request the "other" origin received: none, whatever the test. */
    private static final List<String> REACHED_OTHER = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Map<String, String> METHODS = new ConcurrentHashMap<>();
    private static final Map<String, String> BODIES = new ConcurrentHashMap<>();

    private static HttpServer server(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer(name, exchange));
        server.start();
        return server;
    }

    private static URI base(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * {@code /to/<status>/<where>?<query>} redirects with that status to {@code /echo?<query>} on "home" or
     * "other"; {@code /loop} redirects to itself; anything else answers 200 and is recorded.
     */
    private static void answer(String name, HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String[] parts = path.split("/");
        Map<String, List<String>> headers = new java.util.TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        RECEIVED_FIRST.putIfAbsent(name + path + query, headers);
        if (name.equals("other")) {
            REACHED_OTHER.add(exchange.getRequestMethod() + " " + path + query);
        }
        if (path.startsWith("/to/")) {
            HttpServer target = parts[3].equals("home") ? home : other;
            exchange.getResponseHeaders().add("Location", base(target) + "/echo" + query);
            exchange.sendResponseHeaders(Integer.parseInt(parts[2]), -1);
        } else if (path.equals("/relative")) {
            exchange.getResponseHeaders().add("Location", "/echo?page=2");
            exchange.sendResponseHeaders(302, -1);
        } else if (path.equals("/loop")) {
            exchange.getResponseHeaders().add("Location", "/loop");
            exchange.sendResponseHeaders(302, -1);
        } else {
            RECEIVED.put(name + path + query, headers);
            METHODS.put(name + path + query, exchange.getRequestMethod());
            BODIES.put(name + path + query, new String(body, UTF_8));
            byte[] reply = ("answered by " + name).getBytes(UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
        }
        exchange.close();
    }

    @BeforeAll
    static void start() throws IOException {
        home = server("home");
        other = server("other");
    }

    @AfterAll
    static void stop() {
        home.stop(0);
        other.stop(0);
    }

    private static void assertNothingReachedTheOtherOrigin() {
        assertEquals(List.of(), REACHED_OTHER, "the other origin received requests");
    }

    private static boolean signed(Map<String, List<String>> headers) {
        return headers.containsKey("api-auth-id") || headers.containsKey("api-auth-signature")
                || headers.containsKey("client-type");
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aSameOriginRedirectIsSignedForItsOwnQuery(int status) throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            String query = "page=" + status + "&customerCode=A%20B";
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(base(home).resolve("/to/" + status + "/home?" + query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("answered by home", response.body());
            assertEquals(base(home).resolve("/echo?" + query), response.uri());
            Map<String, List<String>> got = RECEIVED.get("home/echo?" + query);
            assertEquals(List.of(key.signUrl("/echo?" + query)), got.get("api-auth-signature"));
            assertEquals(List.of(E2E.apiId().toLowerCase(Locale.ROOT)), got.get("api-auth-id"));
            assertEquals(List.of(E2E.clientType()), got.get("client-type"));
            assertEquals(List.of("application/json"), got.get("accept"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aCrossOriginRedirectIsRefusedAndNothingReachesTheOtherOrigin(int status) throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            URI start = base(home).resolve("/to/" + status + "/other?cross=" + status);
            RedirectRefusedException e = assertThrows(RedirectRefusedException.class, () -> client.send(
                    HttpRequest.newBuilder(start).build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(status, e.status());
            assertEquals(start, e.from());
            assertEquals(base(other).resolve("/echo?cross=" + status), e.location());
            assertTrue(e.getMessage().contains("docs/http-contract.md"), e.getMessage());
            assertNothingReachedTheOtherOrigin();
            assertTrue(signed(RECEIVED_FIRST.get("home/to/" + status + "/other?cross=" + status)));
        }
    }

    @Test
    void aRequestAlreadySignedByRequestSignerIsRefusedTooNotForwarded() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType());
            HttpRequest request = signer.newRequest(base(home).resolve("/to/302/other?presigned=1")).build();
            assertTrue(signed(lower(request.headers())));
            assertThrows(RedirectRefusedException.class,
                    () -> new UnleashedClient(signer).send(request, HttpResponse.BodyHandlers.discarding()));
            assertNothingReachedTheOtherOrigin();
        }
    }

    @Test
    void withRedirectNeverASameOriginRedirectIsReturnedAndACrossOriginOneStillRefused() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(HttpClient.newHttpClient(),
                    new RequestSigner(key, E2E.apiId(), E2E.clientType()), HttpClient.Redirect.NEVER);
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    base(home).resolve("/to/307/home?never=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(307, response.statusCode());
            assertEquals(base(home).resolve("/echo?never=1").toString(),
                    response.headers().firstValue("Location").orElseThrow());
            assertNull(RECEIVED.get("home/echo?never=1"));
            assertThrows(RedirectRefusedException.class, () -> client.send(HttpRequest.newBuilder(
                    base(home).resolve("/to/307/other?never=2")).build(), HttpResponse.BodyHandlers.ofString()));
            assertNothingReachedTheOtherOrigin();
        }
    }

    @Test
    void aChainThatWouldComeBackIsRefusedAtItsFirstForeignHop() throws Exception {
        // home -> other's /to/302/home -> home: refused before the other origin is asked anything.
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            HttpServer otherServer = other;
            home.createContext("/x", exchange -> {
                exchange.getResponseHeaders().add("Location", base(otherServer) + "/to/302/home?back=1");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            try {
                assertThrows(RedirectRefusedException.class, () -> client.send(
                        HttpRequest.newBuilder(base(home).resolve("/x")).build(),
                        HttpResponse.BodyHandlers.ofString()));
                assertNothingReachedTheOtherOrigin();
                assertNull(RECEIVED.get("home/echo?back=1"));
            } finally {
                home.removeContext("/x");
            }
        }
    }

    @Test
    void aRelativeLocationIsResolvedAndSigned() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            client.send(HttpRequest.newBuilder(base(home).resolve("/relative")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(List.of(key.signUrl("?page=2")), RECEIVED.get("home/echo?page=2").get("api-auth-signature"));
        }
    }

    @Test
    void methodsAndBodiesFollowTheStatus() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            for (int status : new int[] {302, 303, 307, 308}) {
                client.send(HttpRequest.newBuilder(base(home).resolve("/to/" + status + "/home?m=" + status))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(),
                        HttpResponse.BodyHandlers.discarding());
                boolean keeps = status == 307 || status == 308;
                assertEquals(keeps ? "POST" : "GET", METHODS.get("home/echo?m=" + status), "after " + status);
                assertEquals(keeps ? "{\"n\":1}" : "", BODIES.get("home/echo?m=" + status), "after " + status);
            }
        }
    }

    @Test
    void sendAsyncFollowsTheSameRule() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            HttpResponse<String> same = client.sendAsync(HttpRequest.newBuilder(
                    base(home).resolve("/to/308/home?async=1")).build(), HttpResponse.BodyHandlers.ofString())
                    .get(30, TimeUnit.SECONDS);
            assertEquals("answered by home", same.body());
            assertEquals(List.of(key.signUrl("?async=1")), RECEIVED.get("home/echo?async=1").get("api-auth-signature"));
            ExecutionException cross = assertThrows(ExecutionException.class, () -> client.sendAsync(
                    HttpRequest.newBuilder(base(home).resolve("/to/307/other?async=2")).build(),
                    HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS));
            assertTrue(cross.getCause() instanceof RedirectRefusedException, String.valueOf(cross.getCause()));
            assertNothingReachedTheOtherOrigin();
        }
    }

    @Test
    void tooManyRedirectsFail() throws Exception {
        try (SigningKey key = new SigningKey(E2E.key())) {
            UnleashedClient client = new UnleashedClient(new RequestSigner(key, E2E.apiId(), E2E.clientType()));
            HttpRequest loop = HttpRequest.newBuilder(base(home).resolve("/loop")).build();
            IOException e = assertThrows(IOException.class, () -> client.send(loop,
                    HttpResponse.BodyHandlers.ofString()));
            assertTrue(e.getMessage().contains("too many redirects"), e.getMessage());
            Exception async = assertThrows(Exception.class,
                    () -> client.sendAsync(loop, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS));
            assertTrue(async.getCause() instanceof IOException, String.valueOf(async.getCause()));
        }
    }

    @Test
    void theJdkClientFollowingRedirectsItselfWouldLeakWhichIsWhyRequestSignerSaysNever() throws Exception {
        // The behaviour RequestSigner's docs warn of, shown: not a property of this library, but of HttpClient.
        try (SigningKey key = new SigningKey(E2E.key())) {
            RequestSigner signer = new RequestSigner(key, E2E.apiId(), E2E.clientType());
            // To a third origin of its own, so that "other" stays untouched for the tests that check it.
            HttpServer third = server("third");
            try {
                home.createContext("/to-third", exchange -> {
                    exchange.getResponseHeaders().add("Location", base(third) + "/echo?jdk=1");
                    exchange.sendResponseHeaders(302, -1);
                    exchange.close();
                });
                HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
                following.send(signer.newRequest(base(home).resolve("/to-third")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertTrue(signed(RECEIVED.get("third/echo?jdk=1")));
                RECEIVED.remove("third/echo?jdk=1");
                HttpResponse<Void> stopped = HttpClient.newHttpClient().send(
                        signer.newRequest(base(home).resolve("/to-third")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertEquals(302, stopped.statusCode());
                assertNull(RECEIVED.get("third/echo?jdk=1"));
            } finally {
                home.removeContext("/to-third");
                third.stop(0);
            }
        }
    }

    private static Map<String, List<String>> lower(HttpHeaders headers) {
        Map<String, List<String>> map = new java.util.TreeMap<>();
        headers.map().forEach((k, v) -> map.put(k.toLowerCase(Locale.ROOT), v));
        return map;
    }
}

package unleashed.signer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends requests to Unleashed through an {@link HttpClient}, signing each one, and follows redirects itself so
 * that the signing headers never leave the origin of the request you made (the rule every runtime of this
 * project keeps: {@code docs/http-contract.md}).
 *
 * <pre>{@code
 * UnleashedClient client = new UnleashedClient(new RequestSigner(key, apiId, "acme/orderautomation"));
 * HttpResponse<String> response = client.send(
 *         HttpRequest.newBuilder(URI.create("https://api.unleashedsoftware.com/Customers?customerCode=ACME")).build(),
 *         HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>{@link #send} and {@link #sendAsync} take the same arguments as {@link HttpClient}'s. Each request is signed
 * for its own URI's query ({@code api-auth-id}, {@code api-auth-signature}, {@code client-type}, replacing any
 * already on it); {@code Accept} and {@code Content-Type} become {@code application/json} only where the request
 * has none. A redirect (301, 302, 303, 307, 308) is followed here, at most {@value #MAX_REDIRECTS} times, unless
 * the client was made with {@link HttpClient.Redirect#NEVER}:
 * <ul>
 *   <li>to the same origin (scheme, host and port) as the request you made: signed again, for the new URI's
 *       query;</li>
 *   <li>to any other origin: refused. Nothing is sent there, and {@code send} throws (and {@code sendAsync}
 *       completes with) {@link RedirectRefusedException}.</li>
 * </ul>
 * 303, and 301 or 302 after a POST, continue as GET without a body; 307 and 308 keep the method and body. The
 * response returned is the last one, and {@link HttpResponse#previousResponse()} is empty. With
 * {@code Redirect.NEVER}, a same-origin redirect is returned as it is, and one to another origin is refused all
 * the same, as in every runtime of this project.
 *
 * <p>The {@code HttpClient} given must not follow redirects itself ({@link HttpClient.Redirect#NEVER}, the
 * default of {@link HttpClient#newHttpClient()}): it would copy the signing headers to another origin before this
 * class could stop it. It does not own the key or the client. Safe to share between threads.
 */
public final class UnleashedClient {
    /** Redirects followed for one request before {@link #send} fails, as {@link HttpClient}'s default. */
    public static final int MAX_REDIRECTS = 5;

    private final HttpClient client;
    private final RequestSigner signer;
    private final boolean follow;

    /**
     * Sends through {@code client}, which must be built with {@code followRedirects(Redirect.NEVER)}, and follows
     * redirects by the rule above.
     *
     * @throws IllegalArgumentException if {@code client} follows redirects
     */
    public UnleashedClient(HttpClient client, RequestSigner signer) {
        this(client, signer, HttpClient.Redirect.NORMAL);
    }

    /**
     * Sends through {@code client}, which must be built with {@code followRedirects(Redirect.NEVER)}, following
     * redirects by the rule above unless {@code followRedirects} is {@link HttpClient.Redirect#NEVER} (then a
     * same-origin redirect is returned as it is, and one to another origin still refused). {@code NORMAL} and
     * {@code ALWAYS} are the same here: a redirect the rule allows never changes the scheme.
     *
     * @throws IllegalArgumentException if {@code client} follows redirects
     */
    public UnleashedClient(HttpClient client, RequestSigner signer, HttpClient.Redirect followRedirects) {
        this.client = Objects.requireNonNull(client, "client must not be null");
        this.signer = Objects.requireNonNull(signer, "signer must not be null");
        this.follow = Objects.requireNonNull(followRedirects, "followRedirects must not be null")
                != HttpClient.Redirect.NEVER;
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("this HttpClient follows redirects (" + client.followRedirects()
                    + ") and would copy the signing headers to another origin: build it with"
                    + " followRedirects(HttpClient.Redirect.NEVER); UnleashedClient follows redirects itself");
        }
    }

    /**
     * Sends through a new {@link HttpClient#newHttpClient()} (which never follows redirects itself), following
     * redirects by the rule above.
     */
    public UnleashedClient(RequestSigner signer) {
        this(HttpClient.newHttpClient(), signer);
    }

    /** The {@link HttpClient} this sends through. */
    public HttpClient httpClient() {
        return client;
    }

    /**
     * Signs and sends {@code request}, following redirects by the rule above, and returns the last response.
     *
     * @throws RedirectRefusedException for a redirect to another origin, which was not sent
     * @throws IOException as {@link HttpClient#send}, and after {@value #MAX_REDIRECTS} redirects
     * @throws UnleashedException if a query to be signed has a malformed {@code %} escape (DECODED form)
     * @throws IllegalStateException if the key is closed
     */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Objects.requireNonNull(handler, "handler must not be null");
        Hop hop = Hop.first(this, request);
        while (true) {
            HttpResponse<T> response = client.send(hop.request, hop.handler(this, handler));
            Optional<Hop> next = hop.next(this, response);
            if (next.isEmpty()) {
                return response;
            }
            hop = next.get();
        }
    }

    /** As {@link #send}, asynchronously: {@link HttpClient#sendAsync(HttpRequest, HttpResponse.BodyHandler)}. */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler) {
        return sendAsync(request, handler, null);
    }

    /**
     * As {@link #send}, asynchronously, with a handler for HTTP/2 server pushes on every hop:
     * {@link HttpClient#sendAsync(HttpRequest, HttpResponse.BodyHandler, HttpResponse.PushPromiseHandler)}.
     */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        Objects.requireNonNull(handler, "handler must not be null");
        Hop first;
        try {
            first = Hop.first(this, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sendFrom(first, handler, pushPromiseHandler);
    }

    private <T> CompletableFuture<HttpResponse<T>> sendFrom(Hop hop, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return client.sendAsync(hop.request, hop.handler(this, handler), pushPromiseHandler).thenCompose(response -> {
            Optional<Hop> next;
            try {
                next = hop.next(this, response);
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return next.isEmpty() ? CompletableFuture.completedFuture(response)
                    : sendFrom(next.get(), handler, pushPromiseHandler);
        });
    }

    /** Whether two URIs have the same origin: scheme, host and port, with the scheme's default port filled in. */
    static boolean sameOrigin(URI a, URI b) {
        String scheme = lower(a.getScheme());
        String host = lower(a.getHost());
        return scheme != null && host != null && scheme.equals(lower(b.getScheme())) && host.equals(lower(b.getHost()))
                && port(a) == port(b);
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    /** One request of a chain of redirects: what is sent, and the origin every hop must stay on. */
    private static final class Hop {
        final HttpRequest request;
        final URI origin;
        final int redirects;

        private Hop(HttpRequest request, URI origin, int redirects) {
            this.request = request;
            this.origin = origin;
            this.redirects = redirects;
        }

        static Hop first(UnleashedClient owner, HttpRequest request) {
            Objects.requireNonNull(request, "request must not be null");
            URI wire = RequestSigner.wireUri(request.uri());
            return new Hop(owner.prepare(request, wire, request.method(), request.bodyPublisher()), wire, 0);
        }

        /** A handler that discards the body of a redirect this chain follows or refuses, and hands others on. */
        <T> HttpResponse.BodyHandler<T> handler(UnleashedClient owner, HttpResponse.BodyHandler<T> handler) {
            return info -> followable(info.statusCode(), info.headers()) && (owner.follow || refused(info.headers()))
                    ? HttpResponse.BodySubscribers.replacing(null)
                    : handler.apply(info);
        }

        /** Whether the redirect's Location is a URI on another origin. */
        private boolean refused(HttpHeaders headers) {
            URI target = target(headers);
            return target != null && !sameOrigin(origin, target);
        }

        /** The redirect's Location resolved against this hop, in the form HttpClient sends; null if not a URI. */
        private URI target(HttpHeaders headers) {
            try {
                return RequestSigner.wireUri(request.uri().resolve(headers.firstValue("Location").orElseThrow()));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static boolean followable(int status, HttpHeaders headers) {
            return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && headers.firstValue("Location").isPresent();
        }

        /** The next hop for {@code response}, or empty when it is the answer. */
        Optional<Hop> next(UnleashedClient owner, HttpResponse<?> response) throws IOException {
            int status = response.statusCode();
            if (!followable(status, response.headers())) {
                return Optional.empty();
            }
            URI target = target(response.headers());
            if (target == null) {
                if (!owner.follow) {
                    return Optional.empty();
                }
                throw new IOException("the redirect's Location is not a URI: "
                        + response.headers().firstValue("Location").orElseThrow());
            }
            if (!sameOrigin(origin, target)) {
                throw new RedirectRefusedException(status, request.uri(), target);
            }
            if (!owner.follow) {
                return Optional.empty();
            }
            if (redirects >= MAX_REDIRECTS) {
                throw new IOException("too many redirects: " + MAX_REDIRECTS + " followed, the last to "
                        + request.uri());
            }
            String method = request.method();
            Optional<HttpRequest.BodyPublisher> body = request.bodyPublisher();
            if (status == 303 && !method.equals("HEAD") || (status == 301 || status == 302) && method.equals("POST")) {
                method = "GET";
                body = Optional.empty();
            }
            return Optional.of(new Hop(owner.prepare(request, target, method, body), origin, redirects + 1));
        }
    }

    /**
     * {@code request} for {@code uri} (on the first request's origin): its own headers without the signing three,
     * which are added, signed for {@code uri}; {@code Accept} and {@code Content-Type} defaulted where absent.
     */
    private HttpRequest prepare(HttpRequest request, URI uri, String method,
            Optional<HttpRequest.BodyPublisher> body) {
        // Signed first, so that a malformed query fails before anything is built.
        SigningHeaders signing = signer.signingHeaders(uri);
        HttpRequest.Builder builder = HttpRequest
                .newBuilder(request, (name, value) -> !RequestSigner.isSigningHeader(name))
                .uri(uri)
                .method(method, body.orElse(HttpRequest.BodyPublishers.noBody()));
        signing.forEach(builder::setHeader);
        HttpHeaders headers = request.headers();
        for (String name : new String[] {RequestSigner.ACCEPT, RequestSigner.CONTENT_TYPE}) {
            if (headers.firstValue(name).isEmpty()) {
                builder.setHeader(name, RequestSigner.JSON);
            }
        }
        return builder.build();
    }
}

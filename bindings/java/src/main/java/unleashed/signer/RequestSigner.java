package unleashed.signer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs {@link java.net.http.HttpRequest}s for Unleashed: sets the request's URI and the headers every Unleashed
 * request carries, the signature made from the query exactly as it goes on the wire.
 *
 * <pre>{@code
 * RequestSigner signer = new RequestSigner(key, apiId, "acme/orderautomation");
 * HttpRequest request = signer.sign(HttpRequest.newBuilder(), URI.create(base + "Customers?" + query.query()))
 *         .GET()
 *         .build();
 * }</pre>
 *
 * <p><b>Only safe with {@link HttpClient.Redirect#NEVER}.</b> A request signed here carries {@code api-auth-id},
 * {@code api-auth-signature} and {@code client-type} as fixed headers, and an {@link HttpClient} that follows
 * redirects copies them to whatever the {@code Location} names, another origin included, where they are a
 * replayable credential (and to a same-origin page with the first page's signature, which gets 403). Send through
 * {@link UnleashedClient}, which signs every hop for its own query and never sends these headers to another
 * origin; or build your {@code HttpClient} with {@code followRedirects(Redirect.NEVER)} (the default of
 * {@link HttpClient#newHttpClient()}). The rule: {@code docs/http-contract.md}.
 *
 * <p>{@code Accept} and {@code Content-Type} ({@code application/json}) are set only when the request has none:
 * one set on the builder before {@link #sign} is kept, and one set on the returned builder afterwards replaces
 * the default instead of adding a second value.
 *
 * <p>It does not own the key: close the {@link SigningKey} when done. Safe to share between threads.
 */
public final class RequestSigner {
    /** The header carrying the API id ({@code UNLEASHED_HEADER_API_AUTH_ID}). */
    public static final String API_AUTH_ID = "api-auth-id";
    /** The header carrying the signature ({@code UNLEASHED_HEADER_API_AUTH_SIGNATURE}). */
    public static final String API_AUTH_SIGNATURE = "api-auth-signature";
    /** The header naming the client ({@code UNLEASHED_HEADER_CLIENT_TYPE}). */
    public static final String CLIENT_TYPE = "client-type";

    private final SigningKey key;
    private final String apiId;
    private final String clientType;
    private final SignedForm form;

    /** A signer for the percent-decoded form, the default. */
    public RequestSigner(SigningKey key, String apiId, String clientType) {
        this(key, apiId, clientType, SignedForm.DECODED);
    }

    /**
     * A signer that signs each request's query in {@code form}.
     *
     * @param apiId the API id, a 36-character GUID
     * @param clientType {@code partner_or_account/app_name}, for example {@code acme/orderautomation}
     * @throws UnleashedException if the API id or the client type is not valid
     */
    public RequestSigner(SigningKey key, String apiId, String clientType, SignedForm form) {
        this.key = Objects.requireNonNull(key, "key must not be null");
        this.form = Objects.requireNonNull(form, "form must not be null");
        validate(apiId, clientType);
        this.apiId = apiId;
        this.clientType = clientType;
    }

    /**
     * Sets {@code builder}'s URI to {@code uri} and the three signing headers (replacing any already set),
     * signing the URI's raw query, {@code getRawQuery()}: the query exactly as it goes on the wire, the empty
     * string if there is none. {@code Accept} and {@code Content-Type} are set to {@code application/json} only
     * if the builder has none; the builder returned replaces such a default when you set one later (setting it on
     * {@code builder} itself after this call would add a second value).
     *
     * <p>A URI holding non-ASCII characters (which {@code java.net.URI} allows unencoded) is first replaced by
     * its {@link URI#toASCIIString() ASCII form}, the one {@link java.net.http.HttpClient} sends (NFC-normalised
     * UTF-8, percent-encoded), so that the query signed is the query sent.
     *
     * @return a builder that writes through to {@code builder}, to go on with the method and body
     * @throws UnleashedException if the query has a malformed {@code %} escape and the form is DECODED
     * @throws IllegalStateException if the key is closed
     */
    public HttpRequest.Builder sign(HttpRequest.Builder builder, URI uri) {
        Objects.requireNonNull(builder, "builder must not be null");
        Objects.requireNonNull(uri, "uri must not be null");
        URI wire = wireUri(uri);
        SigningHeaders signing = signingHeaders(wire);
        builder.uri(wire);
        HttpHeaders existing = builder.copy().build().headers();
        signing.forEach(builder::setHeader);
        boolean defaultAccept = setIfAbsent(builder, existing, ACCEPT);
        boolean defaultContentType = setIfAbsent(builder, existing, CONTENT_TYPE);
        return new DefaultsBuilder(builder, defaultAccept, defaultContentType);
    }

    /** The form of {@code uri} that HttpClient sends: its ASCII form when it holds other characters. */
    static URI wireUri(URI uri) {
        return isAscii(uri.toString()) ? uri : URI.create(uri.toASCIIString());
    }

    /** The three signing header values for a request to {@code wire}, from the C library. */
    SigningHeaders signingHeaders(URI wire) {
        String query = wire.getRawQuery();
        return key.signingHeaders(apiId, clientType, query == null ? "" : "?" + query, form);
    }

    private static boolean setIfAbsent(HttpRequest.Builder builder, HttpHeaders existing, String name) {
        if (existing.firstValue(name).isPresent()) {
            return false;
        }
        builder.setHeader(name, JSON);
        return true;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * A new request builder for {@code uri}, signed: {@code sign(HttpRequest.newBuilder(), uri)}. An {@code Accept}
     * or {@code Content-Type} set on it replaces the {@code application/json} default.
     */
    public HttpRequest.Builder newRequest(URI uri) {
        return sign(HttpRequest.newBuilder(), uri);
    }

    /** Checks the API id and client type with the C library. */
    static void validate(String apiId, String clientType) {
        UnleashedException.check(Native.validateApiId(SigningKey.utf8(apiId, "apiId")));
        UnleashedException.check(Native.validateClientType(SigningKey.utf8(clientType, "clientType")));
    }

    /** The five headers in Unleashed's order: the three signing values as the C library gave them, then JSON. */
    static Map<String, String> headers(SigningHeaders signing) {
        Map<String, String> headers = new LinkedHashMap<>();
        signing.forEach(headers::put);
        headers.put(ACCEPT, JSON);
        headers.put(CONTENT_TYPE, JSON);
        return Collections.unmodifiableMap(headers);
    }

    /** Whether {@code name} is one of the three signing headers (any case). */
    static boolean isSigningHeader(String name) {
        return name.equalsIgnoreCase(API_AUTH_ID) || name.equalsIgnoreCase(API_AUTH_SIGNATURE)
                || name.equalsIgnoreCase(CLIENT_TYPE);
    }

    static final String ACCEPT = "Accept";
    static final String CONTENT_TYPE = "Content-Type";
    static final String JSON = "application/json";

    /**
     * The builder {@link #sign} returns: everything goes through to the caller's builder, except that the first
     * {@code Accept} or {@code Content-Type} set through it replaces the default this signer put there.
     */
    private static final class DefaultsBuilder implements HttpRequest.Builder {
        private final HttpRequest.Builder builder;
        private boolean defaultAccept;
        private boolean defaultContentType;

        DefaultsBuilder(HttpRequest.Builder builder, boolean defaultAccept, boolean defaultContentType) {
            this.builder = builder;
            this.defaultAccept = defaultAccept;
            this.defaultContentType = defaultContentType;
        }

        @Override
        public HttpRequest.Builder header(String name, String value) {
            if (defaultAccept && ACCEPT.equalsIgnoreCase(name)) {
                defaultAccept = false;
                builder.setHeader(name, value);
            } else if (defaultContentType && CONTENT_TYPE.equalsIgnoreCase(name)) {
                defaultContentType = false;
                builder.setHeader(name, value);
            } else {
                builder.header(name, value);
            }
            return this;
        }

        @Override
        public HttpRequest.Builder headers(String... namesAndValues) {
            Objects.requireNonNull(namesAndValues, "namesAndValues must not be null");
            if (namesAndValues.length % 2 != 0) {
                throw new IllegalArgumentException("wrong number, " + namesAndValues.length + ", of parameters");
            }
            for (int i = 0; i < namesAndValues.length; i += 2) {
                header(namesAndValues[i], namesAndValues[i + 1]);
            }
            return this;
        }

        @Override
        public HttpRequest.Builder setHeader(String name, String value) {
            if (ACCEPT.equalsIgnoreCase(name)) {
                defaultAccept = false;
            } else if (CONTENT_TYPE.equalsIgnoreCase(name)) {
                defaultContentType = false;
            }
            builder.setHeader(name, value);
            return this;
        }

        @Override
        public HttpRequest.Builder uri(URI uri) {
            builder.uri(uri);
            return this;
        }

        @Override
        public HttpRequest.Builder expectContinue(boolean enable) {
            builder.expectContinue(enable);
            return this;
        }

        @Override
        public HttpRequest.Builder version(HttpClient.Version version) {
            builder.version(version);
            return this;
        }

        @Override
        public HttpRequest.Builder timeout(Duration duration) {
            builder.timeout(duration);
            return this;
        }

        @Override
        public HttpRequest.Builder GET() {
            builder.GET();
            return this;
        }

        @Override
        public HttpRequest.Builder POST(HttpRequest.BodyPublisher bodyPublisher) {
            builder.POST(bodyPublisher);
            return this;
        }

        @Override
        public HttpRequest.Builder PUT(HttpRequest.BodyPublisher bodyPublisher) {
            builder.PUT(bodyPublisher);
            return this;
        }

        @Override
        public HttpRequest.Builder DELETE() {
            builder.DELETE();
            return this;
        }

        @Override
        public HttpRequest.Builder method(String method, HttpRequest.BodyPublisher bodyPublisher) {
            builder.method(method, bodyPublisher);
            return this;
        }

        @Override
        public HttpRequest build() {
            return builder.build();
        }

        @Override
        public HttpRequest.Builder copy() {
            return new DefaultsBuilder(builder.copy(), defaultAccept, defaultContentType);
        }
    }

    @Override
    public String toString() {
        return "RequestSigner[apiId=" + apiId + ", clientType=" + clientType + ", form=" + form + "]";
    }
}

package unleashed.signer;

import java.net.URI;
import java.net.http.HttpRequest;
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
     * Sets {@code builder}'s URI to {@code uri} and sets the Unleashed headers (replacing any already set),
     * signing the URI's raw query, {@code getRawQuery()}: the query exactly as it goes on the wire, the empty
     * string if there is none.
     *
     * <p>A URI holding non-ASCII characters (which {@code java.net.URI} allows unencoded) is first replaced by
     * its {@link URI#toASCIIString() ASCII form}, the one {@link java.net.http.HttpClient} sends (NFC-normalised
     * UTF-8, percent-encoded), so that the query signed is the query sent.
     *
     * @return {@code builder}, to go on with the method and body
     * @throws UnleashedException if the query has a malformed {@code %} escape and the form is DECODED
     * @throws IllegalStateException if the key is closed
     */
    public HttpRequest.Builder sign(HttpRequest.Builder builder, URI uri) {
        Objects.requireNonNull(builder, "builder must not be null");
        Objects.requireNonNull(uri, "uri must not be null");
        URI wire = isAscii(uri.toString()) ? uri : URI.create(uri.toASCIIString());
        String query = wire.getRawQuery();
        String signature = key.signQuery(query == null ? "" : query, form);
        builder.uri(wire);
        headers(apiId, signature, clientType).forEach(builder::setHeader);
        return builder;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A new request builder for {@code uri}, signed: {@code sign(HttpRequest.newBuilder(), uri)}. */
    public HttpRequest.Builder newRequest(URI uri) {
        return sign(HttpRequest.newBuilder(), uri);
    }

    /** Checks the API id and client type with the C library. */
    static void validate(String apiId, String clientType) {
        UnleashedException.check(Native.validateApiId(SigningKey.utf8(apiId, "apiId")));
        UnleashedException.check(Native.validateClientType(SigningKey.utf8(clientType, "clientType")));
    }

    static Map<String, String> headers(String apiId, String signature, String clientType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(API_AUTH_ID, apiId);
        headers.put(API_AUTH_SIGNATURE, signature);
        headers.put(CLIENT_TYPE, clientType);
        headers.put("Accept", "application/json");
        headers.put("Content-Type", "application/json");
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toString() {
        return "RequestSigner[apiId=" + apiId + ", clientType=" + clientType + ", form=" + form + "]";
    }
}

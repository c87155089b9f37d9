package unleashed.signer;

import java.util.function.BiConsumer;

/**
 * The three header values that authenticate a request, exactly as the C library wrote them
 * ({@code unleashed_headers_for_url}): the API id in lower case, the checked client type and the signature.
 */
record SigningHeaders(String apiId, String signature, String clientType) {
    /** Gives each header's name and value, in Unleashed's order. */
    void forEach(BiConsumer<String, String> action) {
        action.accept(RequestSigner.API_AUTH_ID, apiId);
        action.accept(RequestSigner.API_AUTH_SIGNATURE, signature);
        action.accept(RequestSigner.CLIENT_TYPE, clientType);
    }

    /** Never the signature: it is a replayable credential. */
    @Override
    public String toString() {
        return "SigningHeaders[apiId=" + apiId + ", clientType=" + clientType + "]";
    }
}

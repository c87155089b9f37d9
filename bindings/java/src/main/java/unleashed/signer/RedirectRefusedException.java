package unleashed.signer;

import java.io.IOException;
import java.net.URI;

/**
 * A redirect to another origin (scheme, host, port) was refused: the signing headers are a replayable credential
 * and go only to the origin the request was made for, so {@link UnleashedClient} did not send the redirected
 * request at all ({@code docs/http-contract.md}). If you trust the origin the redirect names, make the request
 * to it yourself.
 */
public final class RedirectRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final URI from;
    private final URI location;

    RedirectRefusedException(int status, URI from, URI location) {
        super("refused a " + status + " redirect from " + from + " to " + location + ": another origin (scheme,"
                + " host, port), and the api-auth-id, api-auth-signature and client-type headers go only to the"
                + " origin the request was made for (docs/http-contract.md); if you trust that origin, make the"
                + " request to it yourself");
        this.status = status;
        this.from = from;
        this.location = location;
    }

    /** The redirect's HTTP status. */
    public int status() {
        return status;
    }

    /** The URI that answered with the redirect. */
    public URI from() {
        return from;
    }

    /** Where the redirect pointed, resolved against {@link #from()}. */
    public URI location() {
        return location;
    }
}

package unleashed.signer;

/**
 * A percent-encoded query and its signature, built from the same parameters by {@link SigningKey#buildQuery}, so
 * that what is sent and what is signed cannot drift apart.
 *
 * @param query the wire query, to send after {@code ?}
 * @param signature the 44-character {@code api-auth-signature}
 */
public record SignedQuery(String query, String signature) {}

package unleashed.signer;

/** How the secret given to {@link SigningKey} is read (the {@code UNLEASHED_KEY_FORMAT_*} values of the C header). */
public enum KeyFormat {
    /**
     * The key text's own UTF-8 bytes are the HMAC key: Unleashed's way. Rejects empty keys, whitespace (a pasted
     * trailing newline) and control characters.
     */
    TEXT(0),
    /** The key is padded standard base64 and its decoded bytes are the HMAC key; never right for Unleashed. */
    BASE64(1),
    /** The bytes are the HMAC key as they are; only an empty secret is rejected. */
    RAW(2);

    final int code;

    KeyFormat(int code) {
        this.code = code;
    }
}

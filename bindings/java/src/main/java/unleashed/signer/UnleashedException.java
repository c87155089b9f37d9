package unleashed.signer;

/**
 * The C library rejected an argument: {@link #status()} is its {@code unleashed_status} number, and the message
 * (from {@code unleashed_status_str}) says what to fix. It never contains key material.
 *
 * <p>It is an {@link IllegalArgumentException}, since every status this binding can meet is about its caller's
 * input (a key with a pasted newline, a malformed {@code %} escape, an invalid API id...). The one exception is
 * {@link #PANIC}, a bug in the library, which should never be seen.
 *
 * <p>The constants are the status numbers of {@code include/unleashed_signer.h}; a test compares them with the
 * header.
 */
public final class UnleashedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Success (never thrown). */
    public static final int OK = 0;
    /** A Rust panic was caught at the boundary: a bug in this library; please report it. */
    public static final int PANIC = 1;
    /** A pointer argument was NULL where a value is needed. */
    public static final int NULL_POINTER = 2;
    /** A length is larger than any real object. */
    public static final int INVALID_LENGTH = 3;
    /** A key or query pointer is not aligned for its type. */
    public static final int MISALIGNED_POINTER = 4;
    /** An output buffer is too small. */
    public static final int BUFFER_TOO_SMALL = 5;
    /** An input overlaps the buffer the call writes to. */
    public static final int OVERLAPPING_BUFFERS = 6;
    /** The key was never initialised, was cleared, or its initialisation failed. */
    public static final int KEY_NOT_INITIALISED = 10;
    /** The key format number is not known. */
    public static final int INVALID_KEY_FORMAT = 11;
    /** The signed-form number is not known. */
    public static final int INVALID_SIGNED_FORM = 12;
    /** The query builder was never initialised. */
    public static final int QUERY_NOT_INITIALISED = 13;
    /** The key is empty. */
    public static final int EMPTY_KEY = 20;
    /** The key text holds whitespace (usually a pasted trailing newline or space). */
    public static final int KEY_WHITESPACE = 21;
    /** The key text holds a control character. */
    public static final int KEY_CONTROL_CHARACTER = 22;
    /** The key text is not valid UTF-8. */
    public static final int KEY_NOT_UTF8 = 23;
    /** The key was to be base64-decoded but is not valid padded standard base64. */
    public static final int INVALID_BASE64 = 24;
    /** The base64 key is longer than the library decodes. */
    public static final int BASE64_KEY_TOO_LONG = 25;
    /** The key was rejected for a reason this version of the C API has no number for. */
    public static final int INVALID_KEY = 26;
    /** A {@code %} in the query is not followed by two hex digits, so the decoded form cannot be signed. */
    public static final int MALFORMED_ESCAPE = 30;
    /** A query parameter has an empty name. */
    public static final int EMPTY_PARAMETER_NAME = 31;
    /** The signature does not match the message ({@code verify} returns {@code false} instead of throwing). */
    public static final int SIGNATURE_MISMATCH = 40;
    /** The API id is not a 36-character GUID. */
    public static final int INVALID_API_ID = 50;
    /** The client type is not {@code partner_or_account/app_name} in visible ASCII of at most 64 bytes. */
    public static final int INVALID_CLIENT_TYPE = 51;

    private final int status;

    /** Made by this package (and by the JNI library) for a status the C library returned. */
    UnleashedException(int status) {
        super(message(status) + " (unleashed_status " + status + ")");
        this.status = status;
    }

    /** The library's message for a status number, known or not. */
    public static String message(int status) {
        return Native.text(Native.statusMessage(status));
    }

    /** The C {@code unleashed_status} number. */
    public int status() {
        return status;
    }

    /** Throws for any status but {@link #OK}. */
    static void check(int status) {
        if (status != OK) {
            throw new UnleashedException(status);
        }
    }
}

package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongConsumer;

/**
 * An Unleashed API key, prepared for signing in native memory by the unleashed-signer C library.
 *
 * <pre>{@code
 * try (SigningKey key = new SigningKey(apiKey)) {          // wiped when the block ends
 *     String signature = key.signUrl("Customers?customerCode=ACME");
 * }
 * }</pre>
 *
 * <p>The key lives in {@code unleashed_key_size()} bytes of native memory, outside the Java heap, so the garbage
 * collector never copies it. {@link #close()} wipes them ({@code unleashed_key_clear}) and frees them; a
 * {@link Cleaner} does the same for a key that is never closed, as a backstop only, since it runs at the
 * collector's pace.
 *
 * <p>Text is passed to the library as its UTF-8 bytes, and signatures are 44 ASCII characters. Every failure the
 * library reports is an {@link UnleashedException} (an {@link IllegalArgumentException} saying what to fix);
 * {@code null} arguments throw {@link NullPointerException}; a closed key throws {@link IllegalStateException}.
 *
 * <p><b>Threads.</b> One key may sign and verify from any number of threads at once. {@link #close()} may be
 * called from any thread at any time: every call that starts after it began throws {@link IllegalStateException}
 * at once, and it waits only for the calls already in progress (each holds a read lock of a {@link StampedLock},
 * which close takes for writing). The C library requires exactly this: a key must not be cleared while another
 * thread uses it, and freeing it under a running call would let native code read freed memory.
 */
public final class SigningKey implements AutoCloseable {
    /** Characters in a signature: base64 of a 32-byte HMAC-SHA256 ({@code UNLEASHED_SIGNATURE_LEN}). */
    public static final int SIGNATURE_LENGTH = 44;

    private static final Cleaner CLEANER = Cleaner.create();

    /** For the tests: called with the storage's address after it is wiped and before it is freed. */
    static volatile LongConsumer beforeFree;

    private final StampedLock lock = new StampedLock();
    /** Set first thing by {@link #close()}: every call that starts afterwards throws without taking the lock. */
    private volatile boolean closing;
    /** The address of the native key storage; 0 once closed. Read under the read lock, cleared under the write lock. */
    private long key;
    private final Cleaner.Cleanable storage;

    /**
     * Prepares an Unleashed API key: the key text, used as text (Unleashed keys are never base64-decoded).
     *
     * @throws UnleashedException if the key is empty or holds whitespace (a pasted trailing newline) or control
     *     characters
     */
    public SigningKey(String apiKey) {
        this(Objects.requireNonNull(apiKey, "apiKey must not be null").getBytes(UTF_8), KeyFormat.TEXT, true);
    }

    /**
     * Prepares an Unleashed API key given as the UTF-8 bytes of its text. The array is only read: wipe it
     * afterwards if it should not linger on the heap.
     *
     * @throws UnleashedException as {@link #SigningKey(String)}, and if the bytes are not UTF-8
     */
    public SigningKey(byte[] apiKey) {
        this(apiKey, KeyFormat.TEXT);
    }

    /**
     * Prepares a key whose bytes are read as {@code format} says ({@link KeyFormat#TEXT} for Unleashed keys). The
     * array is only read.
     *
     * @throws UnleashedException if the library rejects the key; the message says why
     */
    public SigningKey(byte[] secret, KeyFormat format) {
        this(Objects.requireNonNull(secret, "secret must not be null"), format, false);
    }

    private SigningKey(byte[] secret, KeyFormat format, boolean wipeSecret) {
        try {
            Objects.requireNonNull(format, "format must not be null");
            long address = Native.keyAlloc();
            storage = CLEANER.register(this, new Storage(address));
            int status;
            try {
                status = Native.keyInit(address, secret, format.code);
            } catch (RuntimeException | Error e) {
                storage.clean();
                throw e;
            }
            if (status != UnleashedException.OK) {
                storage.clean();
                throw new UnleashedException(status);
            }
            // Under the lock, so that every thread that takes it sees the address, however the key was shared.
            long stamp = lock.writeLock();
            key = address;
            lock.unlockWrite(stamp);
        } finally {
            if (wipeSecret) {
                Arrays.fill(secret, (byte) 0); // our own copy of the key text
            }
        }
    }

    /** Wipes and frees the native storage, once: from {@link #close()} or the cleaner. Holds no key reference. */
    private static final class Storage implements Runnable {
        private final long address;

        Storage(long address) {
            this.address = address;
        }

        @Override
        public void run() {
            Native.keyClear(address);
            LongConsumer hook = beforeFree;
            if (hook != null) {
                hook.accept(address);
            }
            Native.keyFree(address);
        }
    }

    /**
     * Takes the read lock for one native call. Once {@link #close()} has begun, no call takes the lock or reaches
     * the native code: each throws at once, so close() waits only for the calls already in flight (a
     * {@link StampedLock} alone lets arriving readers overtake a waiting writer, again and again).
     */
    private long enter() {
        if (closing) {
            throw closed();
        }
        long stamp = lock.readLock();
        if (closing) { // close() began while this thread waited for the lock
            lock.unlockRead(stamp);
            throw closed();
        }
        return stamp;
    }

    private static IllegalStateException closed() {
        return new IllegalStateException("this SigningKey is closed: make a new one to sign again");
    }

    private long address() {
        if (key == 0) {
            throw closed();
        }
        return key;
    }

    /**
     * Signs {@code message} exactly as given: the 44-character signature of its UTF-8 bytes. For a query, pass it
     * without {@code ?} as it will be signed; {@link #signQuery} and {@link #signUrl} percent-decode first.
     */
    public String sign(String message) {
        return sign(utf8(message, "message"));
    }

    /** Signs {@code message}'s bytes exactly as given (any bytes, not only UTF-8). */
    public String sign(byte[] message) {
        Objects.requireNonNull(message, "message must not be null");
        byte[] signature = new byte[SIGNATURE_LENGTH];
        long stamp = enter();
        try {
            Native.sign(address(), message, signature);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this); // no cleaning while the native call runs
        }
        return Native.ascii(signature);
    }

    /** Signs a query string (no {@code ?}), percent-decoded first: {@code signQuery(query, SignedForm.DECODED)}. */
    public String signQuery(String query) {
        return signQuery(query, SignedForm.DECODED);
    }

    /**
     * Signs a query string (no {@code ?}) in the given form: percent-decoded first for {@link SignedForm#DECODED},
     * as it is for {@link SignedForm#WIRE}.
     *
     * @throws UnleashedException if a {@code %} is not followed by two hex digits and the form is DECODED
     */
    public String signQuery(String query, SignedForm form) {
        byte[] bytes = utf8(query, "query");
        int code = form(form);
        byte[] signature = new byte[SIGNATURE_LENGTH];
        long stamp = enter();
        try {
            Native.signQuery(address(), bytes, code, signature);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
        return Native.ascii(signature);
    }

    /** Signs the query of a URL or path-and-query, percent-decoded: {@code signUrl(url, SignedForm.DECODED)}. */
    public String signUrl(String url) {
        return signUrl(url, SignedForm.DECODED);
    }

    /**
     * Signs the query of a URL or path-and-query ({@code Customers?customerCode=ACME}, or a full {@code https://}
     * URL): only the part after the first {@code ?} and before any {@code #}, the empty string when there is no
     * {@code ?}.
     *
     * @throws UnleashedException if a {@code %} is not followed by two hex digits and the form is DECODED
     */
    public String signUrl(String url, SignedForm form) {
        byte[] bytes = utf8(url, "url");
        int code = form(form);
        byte[] signature = new byte[SIGNATURE_LENGTH];
        long stamp = enter();
        try {
            Native.signUrl(address(), bytes, code, signature);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
        return Native.ascii(signature);
    }

    /** Whether {@code signature} is this key's signature of {@code message} signed as given (constant time). */
    public boolean verify(String message, String signature) {
        return verify(utf8(message, "message"), signature);
    }

    /** Whether {@code signature} is this key's signature of {@code message}'s bytes (constant time). */
    public boolean verify(byte[] message, String signature) {
        Objects.requireNonNull(message, "message must not be null");
        byte[] expected = utf8(signature, "signature");
        int status;
        long stamp = enter();
        try {
            status = Native.verify(address(), message, expected);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
        return verified(status);
    }

    /** Whether {@code signature} is this key's signature of the URL's query, percent-decoded. */
    public boolean verifyUrl(String url, String signature) {
        return verifyUrl(url, signature, SignedForm.DECODED);
    }

    /** Whether {@code signature} is this key's signature of the URL's query in the given form (constant time). */
    public boolean verifyUrl(String url, String signature, SignedForm form) {
        byte[] bytes = utf8(url, "url");
        byte[] expected = utf8(signature, "signature");
        int code = form(form);
        int status;
        long stamp = enter();
        try {
            status = Native.verifyUrl(address(), bytes, code, expected);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
        return verified(status);
    }

    private static boolean verified(int status) {
        if (status == UnleashedException.SIGNATURE_MISMATCH) {
            return false;
        }
        UnleashedException.check(status);
        return true;
    }

    /**
     * Builds the percent-encoded query {@code name=value&...} from the map's entries, in its iteration order (use
     * a {@link LinkedHashMap} to choose it), and signs it in the decoded form.
     *
     * @throws UnleashedException if a name is empty
     */
    public SignedQuery buildQuery(Map<String, String> params) {
        return buildQuery(Objects.requireNonNull(params, "params must not be null").entrySet(), SignedForm.DECODED);
    }

    /** Builds and signs a query from name-value pairs in order (names may repeat), in the decoded form. */
    public SignedQuery buildQuery(Iterable<? extends Map.Entry<String, String>> params) {
        return buildQuery(params, SignedForm.DECODED);
    }

    /**
     * Builds the query {@code name=value&...} from name-value pairs in order, each name and value percent-encoded
     * minimally ({@code A-Z a-z 0-9 - . _ ~ : , / @} stay, all else is {@code %XX} of its UTF-8 bytes), and signs
     * it in the given form, in one call to the C library.
     *
     * @throws UnleashedException if a name is empty
     */
    public SignedQuery buildQuery(Iterable<? extends Map.Entry<String, String>> params, SignedForm form) {
        Objects.requireNonNull(params, "params must not be null");
        List<byte[]> namesAndValues = new ArrayList<>();
        for (Map.Entry<String, String> param : params) {
            Objects.requireNonNull(param, "a parameter is null");
            namesAndValues.add(utf8(param.getKey(), "a parameter name"));
            namesAndValues.add(utf8(param.getValue(), "the value of parameter " + param.getKey()));
        }
        return buildQueryBytes(namesAndValues, form);
    }

    /** Builds and signs a query from raw bytes: name, value, name, value... (the tests use it for non-UTF-8). */
    SignedQuery buildQueryBytes(List<byte[]> namesAndValues, SignedForm form) {
        int code = form(form);
        int[] lengths = new int[namesAndValues.size()];
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = namesAndValues.get(i).length;
            if (lengths[i] > Integer.MAX_VALUE - total) {
                throw new IllegalArgumentException("the query's parameters exceed 2 GiB: send fewer or shorter ones");
            }
            total += lengths[i];
        }
        byte[] data = new byte[total];
        int offset = 0;
        for (byte[] part : namesAndValues) {
            System.arraycopy(part, 0, data, offset, part.length);
            offset += part.length;
        }
        byte[] signature = new byte[SIGNATURE_LENGTH];
        byte[] query;
        long stamp = enter();
        try {
            query = Native.buildQuery(address(), data, lengths, code, signature);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
        return new SignedQuery(Native.ascii(query), Native.ascii(signature));
    }

    /** The headers for a request to {@code url}, its query signed percent-decoded. */
    public Map<String, String> headers(String apiId, String clientType, String url) {
        return headers(apiId, clientType, url, SignedForm.DECODED);
    }

    /**
     * The headers every Unleashed request carries, in this order: {@code api-auth-id} (the API id in lower case),
     * {@code api-auth-signature} (of {@code url}'s query, as {@link #signUrl(String, SignedForm)}),
     * {@code client-type}, {@code Accept} and {@code Content-Type} (both {@code application/json}); the first three
     * exactly as the C library's {@code unleashed_headers_for_url} gives them.
     *
     * @param apiId the API id, a 36-character GUID
     * @param clientType {@code partner_or_account/app_name}, for example {@code acme/orderautomation}
     * @throws UnleashedException if the API id or client type is not valid, or the query cannot be decoded
     */
    public Map<String, String> headers(String apiId, String clientType, String url, SignedForm form) {
        return RequestSigner.headers(signingHeaders(apiId, clientType, url, form));
    }

    /**
     * The three signing header values for a request to {@code url} (its query in {@code form}), as the C library
     * gives them: the API id in lower case, the client type checked, the signature.
     */
    SigningHeaders signingHeaders(String apiId, String clientType, String url, SignedForm form) {
        byte[] id = utf8(apiId, "apiId");
        byte[] type = utf8(clientType, "clientType");
        byte[] bytes = utf8(url, "url");
        int code = form(form);
        byte[] out = new byte[Native.HEADERS_SIZE];
        long stamp = enter();
        try {
            Native.headersForUrl(address(), id, type, bytes, code, out);
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
        return new SigningHeaders(Native.headerValue(out, Native.HEADERS_API_ID),
                Native.headerValue(out, Native.HEADERS_SIGNATURE), Native.headerValue(out, Native.HEADERS_CLIENT_TYPE));
    }

    /**
     * Wipes the key's native storage and frees it. Every call that starts after close() begins throws
     * {@link IllegalStateException} at once; close() waits only for the calls already in progress on other
     * threads. Closing again does nothing.
     */
    @Override
    public void close() {
        closing = true;
        long stamp = lock.writeLock();
        try {
            if (key != 0) {
                key = 0;
                storage.clean();
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** For the tests: runs {@code body} as a native call does, holding the read lock that close() waits for. */
    void holdingCall(Runnable body) {
        long stamp = enter();
        try {
            body.run();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** For the tests: whether close() has begun (it may still be waiting for calls in flight). */
    boolean closeBegun() {
        return closing;
    }

    /** For the tests: how many bytes of the live key's storage are not zero. */
    int storageNonZeroBytes() {
        long stamp = enter();
        try {
            return Native.keyNonZeroBytes(address());
        } finally {
            lock.unlockRead(stamp);
            Reference.reachabilityFence(this);
        }
    }

    /** For the tests: the storage's address (to recognise it in {@link #beforeFree}). */
    long storageAddress() {
        long stamp = enter();
        try {
            return address();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Says whether the key is open, never anything about the key itself. */
    @Override
    public String toString() {
        long stamp = lock.readLock();
        try {
            return key == 0 ? "SigningKey[closed]" : "SigningKey[open]";
        } finally {
            lock.unlockRead(stamp);
        }
    }

    static byte[] utf8(String text, String what) {
        if (text == null) {
            throw new NullPointerException(what + " must not be null");
        }
        return text.getBytes(UTF_8);
    }

    private static int form(SignedForm form) {
        return Objects.requireNonNull(form, "form must not be null").code;
    }
}

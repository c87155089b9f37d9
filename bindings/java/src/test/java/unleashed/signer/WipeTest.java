package unleashed.signer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The key's native storage is all zero after close(): read through JNI (Native.keyNonZeroBytes counts the
 * storage's non-zero bytes), in the real close path, between unleashed_key_clear and free.
 */
class WipeTest {
    private static final String KEY = TestData.e2e().key(); // made up, as every key in testdata/

    /** Address of each storage released while the hook is set, and its non-zero bytes just before free. */
    private final Map<Long, Integer> released = new ConcurrentHashMap<>();

    @AfterEach
    void unhook() {
        SigningKey.beforeFree = null;
    }

    @Test
    void closeLeavesEveryByteZero() {
        SigningKey.beforeFree = address -> released.put(address, Native.keyNonZeroBytes(address));
        SigningKey key = new SigningKey(KEY);
        long address = key.storageAddress();
        key.sign("customerCode=ACME");
        // The live key holds its prepared state: most bytes are not zero, so the check below can fail.
        int live = key.storageNonZeroBytes();
        assertTrue(live > 32, "only " + live + " non-zero bytes in a live key");
        key.close();
        assertEquals(Map.of(address, 0), released, "non-zero bytes left in the storage when it was freed");
        key.close();
        assertEquals(1, released.size(), "closing twice released the storage twice");
    }

    @Test
    void aFailedKeyIsReleasedWiped() {
        SigningKey.beforeFree = address -> released.put(address, Native.keyNonZeroBytes(address));
        try {
            new SigningKey("ExAmPlE key");
        } catch (UnleashedException expected) {
            assertEquals(UnleashedException.KEY_WHITESPACE, expected.status());
        }
        assertEquals(1, released.size(), "the storage of a rejected key was not released");
        assertEquals(0, released.values().iterator().next());
    }

    @Test
    void theCleanerWipesAKeyNobodyClosed() throws InterruptedException {
        SigningKey.beforeFree = address -> released.put(address, Native.keyNonZeroBytes(address));
        long address = forgottenKey();
        for (int i = 0; i < 200 && !released.containsKey(address); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(Integer.valueOf(0), released.get(address), "the cleaner did not release the forgotten key wiped");
    }

    private static long forgottenKey() {
        SigningKey key = new SigningKey(KEY);
        key.sign("customerCode=ACME");
        return key.storageAddress();
    }
}

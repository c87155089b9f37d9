package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** One key, eight threads. */
class ThreadsTest {
    private static final String KEY = TestData.e2e().key(); // made up, as every key in testdata/
    private static final int THREADS = 8;
    private static final int ROUNDS = 2_000;

    private static String reference(Mac mac, String message) {
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(UTF_8)));
    }

    private static Mac mac() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(UTF_8), "HmacSHA256"));
        return mac;
    }

    @Test
    void eightThreadsSignAndVerifyWithOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (SigningKey key = new SigningKey(KEY)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    Mac mac = mac();
                    start.await();
                    int checked = 0;
                    for (int i = 0; i < ROUNDS; i++) {
                        // Each thread its own messages, of varying lengths, so a mixed-up result cannot pass.
                        String message = "customerCode=T" + thread + "-" + i + "&pad=" + "x".repeat(i % 97);
                        String signature = key.sign(message);
                        assertEquals(reference(mac, message), signature, message);
                        assertTrue(key.verify(message, signature));
                        SignedQuery built = key.buildQuery(java.util.Map.of("customerCode", "T" + thread + " " + i));
                        assertEquals(reference(mac, "customerCode=T" + thread + " " + i), built.signature());
                        checked++;
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertEquals(ROUNDS, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWhileEightThreadsSignWaitsForThemAndStopsTheRest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            SigningKey key = new SigningKey(KEY);
            String expected = reference(mac(), "customerCode=ACME");
            AtomicInteger signed = new AtomicInteger();
            CountDownLatch running = new CountDownLatch(THREADS);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    running.countDown();
                    int mine = 0;
                    while (true) {
                        String signature;
                        try {
                            signature = key.sign("customerCode=ACME");
                        } catch (IllegalStateException closed) {
                            return mine; // every call after close() says so; none reads freed memory
                        }
                        assertEquals(expected, signature);
                        mine++;
                        signed.incrementAndGet();
                    }
                }));
            }
            running.await();
            while (signed.get() < 1_000) {
                Thread.onSpinWait();
            }
            key.close();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertTrue(total >= 1_000, "only " + total + " signatures before close");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallThatStartsAfterCloseBeganThrowsAtOnceInsteadOfQueueingAheadOfIt() throws Exception {
        // One call is held in flight; close() begins and must wait for it. A call made now must not get in ahead
        // of close() (with the StampedLock alone it would, again and again, or wait and then fail): it throws at
        // once, while the held call still runs. Only then is the held call let go, and close() finishes.
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            SigningKey key = new SigningKey(KEY);
            CountDownLatch inFlight = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> held = pool.submit(() -> key.holdingCall(() -> {
                inFlight.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            inFlight.await();
            Future<?> closing = pool.submit(key::close);
            while (!key.closeBegun()) {
                Thread.onSpinWait();
            }
            // In a thread of its own, so that a call that queues behind close() fails this test instead of hanging it.
            Future<String> late = pool.submit(() -> key.sign("customerCode=ACME"));
            ExecutionException thrown;
            try {
                thrown = assertThrows(ExecutionException.class, () -> late.get(30, TimeUnit.SECONDS));
                assertTrue(!closing.isDone(), "close() returned while a call was still in flight");
            } finally {
                release.countDown();
            }
            assertTrue(thrown.getCause() instanceof IllegalStateException, String.valueOf(thrown.getCause()));
            assertTrue(thrown.getCause().getMessage().contains("closed"), thrown.getCause().getMessage());
            held.get(60, TimeUnit.SECONDS);
            closing.get(60, TimeUnit.SECONDS);
            assertThrows(IllegalStateException.class, () -> key.sign("x"));
        } finally {
            pool.shutdownNow();
        }
    }
}

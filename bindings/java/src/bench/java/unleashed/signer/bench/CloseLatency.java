package unleashed.signer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import unleashed.signer.SigningKey;

/**
 * How long {@link SigningKey#close()} blocks while 8 threads sign with the key as fast as they can, and how many
 * signatures complete between the call to close() and its return (each of those started after close() was called,
 * or was in flight when it was). A close that waits only for calls in flight returns within about one signature
 * (a microsecond or two) however busy the signers are.
 *
 * <p>One run, several rounds, each with a new key: prints every round, then the median and the worst. A benchmark,
 * not a test: the figures depend on the machine and its load.
 *
 * <pre>java -cp build/unleashed-signer-0.1.0.jar:build/bench-classes unleashed.signer.bench.CloseLatency</pre>
 */
public final class CloseLatency {
    private static final String KEY = // made up, as in the README
            "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
    private static final int THREADS = 8;
    private static final int ROUNDS = 15;
    private static final long SIGN_BEFORE_CLOSE_NANOS = 300_000_000L;

    public static void main(String[] args) throws Exception {
        long[] blockedNanos = new long[ROUNDS];
        long[] signedDuring = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            SigningKey key = new SigningKey(KEY);
            AtomicLong signed = new AtomicLong();
            CountDownLatch running = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(() -> {
                    running.countDown();
                    while (true) {
                        try {
                            key.sign("customerCode=ACME");
                        } catch (IllegalStateException closed) {
                            return;
                        }
                        signed.incrementAndGet();
                    }
                });
                thread.start();
                threads.add(thread);
            }
            running.await();
            Thread.sleep(SIGN_BEFORE_CLOSE_NANOS / 1_000_000);
            long before = signed.get();
            long t0 = System.nanoTime();
            key.close();
            long t1 = System.nanoTime();
            signedDuring[round] = signed.get() - before;
            blockedNanos[round] = t1 - t0;
            for (Thread thread : threads) {
                thread.join();
            }
            System.out.printf("round %2d: close() blocked %10.3f ms; %,9d signatures completed meanwhile%n",
                    round + 1, blockedNanos[round] / 1e6, signedDuring[round]);
        }
        long[] sorted = blockedNanos.clone();
        Arrays.sort(sorted);
        long[] during = signedDuring.clone();
        Arrays.sort(during);
        System.out.printf("%d threads, %d rounds: close() blocked median %.3f ms, worst %.3f ms;"
                + " signatures completed meanwhile median %,d, worst %,d%n", THREADS, ROUNDS,
                sorted[ROUNDS / 2] / 1e6, sorted[ROUNDS - 1] / 1e6, during[ROUNDS / 2], during[ROUNDS - 1]);
    }
}

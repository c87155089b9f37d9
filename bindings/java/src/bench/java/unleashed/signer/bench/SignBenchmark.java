package unleashed.signer.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import unleashed.signer.SignedQuery;
import unleashed.signer.SigningKey;

/**
 * Nanoseconds per signature: SigningKey (JNI over the C library) against javax.crypto.Mac, reused or keyed per
 * request, each producing the same base64 header value from a String query. JMH is not available here, so this is
 * a plain loop: each case is warmed up, then timed in several samples, and the median is printed. One run on a
 * noisy machine: read the ratios, not the absolute numbers.
 *
 * <pre>java -cp build/unleashed-signer-0.1.0.jar:build/bench-classes unleashed.signer.bench.SignBenchmark</pre>
 */
public final class SignBenchmark {
    private static final String KEY = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
    private static final long WARMUP_NANOS = 1_500_000_000L;
    private static final long SAMPLE_NANOS = 300_000_000L;
    private static final int SAMPLES = 7;
    private static final int MESSAGES = 16; // distinct messages of one size, so no result can be hoisted

    /** Runs an operation n times, returning something that depends on every result. */
    @FunctionalInterface
    private interface Loop {
        long run(int n) throws Exception;
    }

    private static long sink;

    private static double measure(Loop loop) throws Exception {
        int n = 1_000;
        long end = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < end) {
            sink += loop.run(n);
        }
        // Size a batch to about 1/10 of a sample.
        long t0 = System.nanoTime();
        sink += loop.run(n);
        double estimate = (double) (System.nanoTime() - t0) / n;
        int batch = (int) Math.max(1_000, Math.min(10_000_000, SAMPLE_NANOS / 10 / Math.max(estimate, 1)));
        double[] samples = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            long ops = 0;
            long start = System.nanoTime();
            long now;
            do {
                sink += loop.run(batch);
                ops += batch;
                now = System.nanoTime();
            } while (now - start < SAMPLE_NANOS);
            samples[s] = (double) (now - start) / ops;
        }
        Arrays.sort(samples);
        return samples[SAMPLES / 2];
    }

    private static String[] messages(int size) {
        String[] messages = new String[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
            String head = "customerCode=C" + Integer.toHexString(0x10 + i) + "&pageSize=200&x=";
            StringBuilder message = new StringBuilder(head);
            while (message.length() < size) {
                message.append((char) ('a' + message.length() % 26));
            }
            message.setLength(size);
            messages[i] = message.toString();
        }
        return messages;
    }

    public static void main(String[] args) throws Exception {
        byte[] keyBytes = KEY.getBytes(UTF_8);
        SecretKeySpec spec = new SecretKeySpec(keyBytes, "HmacSHA256");
        Base64.Encoder base64 = Base64.getEncoder();
        Mac reused = Mac.getInstance("HmacSHA256");
        reused.init(spec);
        Mac rekeyed = Mac.getInstance("HmacSHA256");
        System.out.printf("java %s (%s), %s %s, %d processors%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());

        try (SigningKey key = new SigningKey(KEY)) {
            for (int size : new int[] {24, 128, 1024}) {
                String[] messages = messages(size);
                byte[][] bytes = new byte[MESSAGES][];
                for (int i = 0; i < MESSAGES; i++) {
                    bytes[i] = messages[i].getBytes(UTF_8);
                    // Every contender must produce the same header value.
                    String expected = base64.encodeToString(reused.doFinal(bytes[i]));
                    if (!key.sign(messages[i]).equals(expected)) {
                        throw new AssertionError("SigningKey and Mac disagree on " + messages[i]);
                    }
                }
                Map<String, Loop> cases = new LinkedHashMap<>();
                cases.put("SigningKey.sign(String)", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += key.sign(messages[i & (MESSAGES - 1)]).charAt(43);
                    }
                    return s;
                });
                cases.put("SigningKey.sign(byte[])", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += key.sign(bytes[i & (MESSAGES - 1)]).charAt(43);
                    }
                    return s;
                });
                cases.put("Mac reused (doFinal)", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += base64.encodeToString(reused.doFinal(messages[i & (MESSAGES - 1)].getBytes(UTF_8))).charAt(43);
                    }
                    return s;
                });
                cases.put("Mac keyed per request (init)", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        rekeyed.init(spec);
                        s += base64.encodeToString(rekeyed.doFinal(messages[i & (MESSAGES - 1)].getBytes(UTF_8))).charAt(43);
                    }
                    return s;
                });
                cases.put("Mac.getInstance + init per request", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        Mac mac = Mac.getInstance("HmacSHA256");
                        mac.init(spec);
                        s += base64.encodeToString(mac.doFinal(messages[i & (MESSAGES - 1)].getBytes(UTF_8))).charAt(43);
                    }
                    return s;
                });
                Map<String, Double> results = new LinkedHashMap<>();
                for (Map.Entry<String, Loop> c : cases.entrySet()) {
                    results.put(c.getKey(), measure(c.getValue()));
                }
                double ours = results.get("SigningKey.sign(String)");
                System.out.printf("%n%d-byte query%n", size);
                for (Map.Entry<String, Double> r : results.entrySet()) {
                    System.out.printf("  %-36s %8.1f ns   %5.2fx SigningKey.sign(String)%n", r.getKey(), r.getValue(),
                            r.getValue() / ours);
                }
            }

            // Building a typical query and signing it, in one JNI call.
            List<Map.Entry<String, String>> params = new ArrayList<>(List.of(
                    Map.entry("orderStatus", "Completed,Backordered"), Map.entry("customerName", "Acme & Sons"),
                    Map.entry("modifiedSince", "2024-01-01T00:00:00"), Map.entry("pageSize", "200"),
                    Map.entry("page", "1")));
            SignedQuery built = key.buildQuery(params);
            double build = measure(n -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += key.buildQuery(params).signature().charAt(43);
                }
                return s;
            });
            System.out.printf("%nbuildQuery, 5 parameters (%d-byte query): %.1f ns%n", built.query().length(), build);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        System.out.println(sink == 42 ? "" : "(done)");
    }
}

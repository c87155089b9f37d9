package unleashed.signer.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

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
 * request, each making the same base64 header value from a String query.
 *
 * <p>JMH is not available here, so this is a plain loop, one run. The contenders are warmed up, then timed in many
 * short windows (about 0.2 ms each, shorter than a scheduler time slice), taking turns so that a busy moment of a
 * shared machine hits them all alike; it prints each one's median window and its fastest window. Read the ratios.
 *
 * <pre>java -cp build/unleashed-signer-0.1.0.jar:build/bench-classes unleashed.signer.bench.SignBenchmark</pre>
 */
public final class SignBenchmark {
    private static final String KEY = // made up, as in the README
            "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
    private static final long WARMUP_NANOS = 2_000_000_000L;
    private static final long WINDOW_NANOS = 200_000L;
    private static final int ROUNDS = 2_000;
    private static final int MESSAGES = 16; // distinct messages of one size, so no result can be hoisted

    /** Runs an operation n times, returning something that depends on every result. */
    @FunctionalInterface
    private interface Loop {
        long run(int n) throws Exception;
    }

    private static long sink;

    /** Median and fastest window of each contender, in ns per call. */
    private static Map<String, double[]> measure(Map<String, Loop> contenders) throws Exception {
        List<Loop> loops = new ArrayList<>(contenders.values());
        int[] batch = new int[loops.size()];
        Arrays.fill(batch, 100);
        long end = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < end) {
            for (int c = 0; c < loops.size(); c++) {
                long t0 = System.nanoTime();
                sink += loops.get(c).run(batch[c]);
                double perCall = (double) (System.nanoTime() - t0) / batch[c];
                batch[c] = (int) Math.max(10, Math.min(1_000_000, WINDOW_NANOS / Math.max(perCall, 1)));
            }
        }
        double[][] windows = new double[loops.size()][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int c = 0; c < loops.size(); c++) {
                long t0 = System.nanoTime();
                sink += loops.get(c).run(batch[c]);
                windows[c][r] = (double) (System.nanoTime() - t0) / batch[c];
            }
        }
        Map<String, double[]> results = new LinkedHashMap<>();
        int c = 0;
        for (String name : contenders.keySet()) {
            double[] w = windows[c++];
            Arrays.sort(w);
            results.put(name, new double[] {w[ROUNDS / 2], w[0]});
        }
        return results;
    }

    private static void print(String title, Map<String, double[]> results, String reference) {
        double[] ref = results.get(reference);
        System.out.printf("%n%s%n  %-38s %10s %10s %14s %14s%n", title, "", "median ns", "fastest ns",
                "median/" + "Mac", "fastest/Mac");
        for (Map.Entry<String, double[]> r : results.entrySet()) {
            double[] v = r.getValue();
            System.out.printf("  %-38s %10s %10.1f %10.1f %14.2f %14.2f%n", r.getKey(), "", v[0], v[1], v[0] / ref[0],
                    v[1] / ref[1]);
        }
    }

    private static String[] messages(int size) {
        String[] messages = new String[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
            StringBuilder message = new StringBuilder("customerCode=C" + Integer.toHexString(0x10 + i) + "&x=");
            while (message.length() < size) {
                message.append((char) ('a' + message.length() % 26));
            }
            message.setLength(size);
            messages[i] = message.toString();
        }
        return messages;
    }

    public static void main(String[] args) throws Exception {
        SecretKeySpec spec = new SecretKeySpec(KEY.getBytes(UTF_8), "HmacSHA256");
        Base64.Encoder base64 = Base64.getEncoder();
        Mac reused = Mac.getInstance("HmacSHA256");
        reused.init(spec);
        Mac rekeyed = Mac.getInstance("HmacSHA256");
        System.out.printf("java %s (%s), %s %s, %d processors; ratios are to the reused Mac (lower is faster)%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());

        try (SigningKey key = new SigningKey(KEY)) {
            for (int size : new int[] {24, 128, 1024}) {
                String[] messages = messages(size);
                byte[][] bytes = new byte[MESSAGES][];
                for (int i = 0; i < MESSAGES; i++) {
                    bytes[i] = messages[i].getBytes(UTF_8);
                    // Every contender must produce the same header value.
                    if (!key.sign(messages[i]).equals(base64.encodeToString(reused.doFinal(bytes[i])))) {
                        throw new AssertionError("SigningKey and Mac disagree on " + messages[i]);
                    }
                }
                Map<String, Loop> contenders = new LinkedHashMap<>();
                contenders.put("SigningKey.sign(String)", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += key.sign(messages[i & (MESSAGES - 1)]).charAt(43);
                    }
                    return s;
                });
                contenders.put("SigningKey.sign(byte[])", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += key.sign(bytes[i & (MESSAGES - 1)]).charAt(43);
                    }
                    return s;
                });
                contenders.put("Mac reused: doFinal", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        byte[] mac = reused.doFinal(messages[i & (MESSAGES - 1)].getBytes(UTF_8));
                        s += base64.encodeToString(mac).charAt(43);
                    }
                    return s;
                });
                contenders.put("Mac keyed per request: init, doFinal", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        rekeyed.init(spec);
                        byte[] mac = rekeyed.doFinal(messages[i & (MESSAGES - 1)].getBytes(UTF_8));
                        s += base64.encodeToString(mac).charAt(43);
                    }
                    return s;
                });
                contenders.put("Mac.getInstance, init, doFinal", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        Mac fresh = Mac.getInstance("HmacSHA256");
                        fresh.init(spec);
                        byte[] mac = fresh.doFinal(messages[i & (MESSAGES - 1)].getBytes(UTF_8));
                        s += base64.encodeToString(mac).charAt(43);
                    }
                    return s;
                });
                print(size + "-byte query, + base64", measure(contenders), "Mac reused: doFinal");
            }

            // Building a typical query (5 parameters, a space and an & to encode) and signing it, in one JNI call,
            // against signing the same query once built.
            List<Map.Entry<String, String>> params = List.of(Map.entry("orderStatus", "Completed,Backordered"),
                    Map.entry("customerName", "Acme & Sons"), Map.entry("modifiedSince", "2024-01-01T00:00:00"),
                    Map.entry("pageSize", "200"), Map.entry("page", "1"));
            SignedQuery built = key.buildQuery(params);
            Map<String, Loop> contenders = new LinkedHashMap<>();
            contenders.put("SigningKey.buildQuery (5 parameters)", n -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += key.buildQuery(params).signature().charAt(43);
                }
                return s;
            });
            contenders.put("SigningKey.signQuery(the built query)", n -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += key.signQuery(built.query()).charAt(43);
                }
                return s;
            });
            contenders.put("Mac reused: doFinal(the built query)", n -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += base64.encodeToString(reused.doFinal(built.query().getBytes(UTF_8))).charAt(43);
                }
                return s;
            });
            print("building " + built.query().length() + "-byte query", measure(contenders),
                    "Mac reused: doFinal(the built query)");
        }
        System.out.println(sink == 42 ? "" : "");
    }
}

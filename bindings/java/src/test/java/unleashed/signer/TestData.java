package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The repository's shared test data: testdata/vectors.txt and testdata/e2e_cases.txt. */
final class TestData {
    private TestData() {}

    /** The repository root: -Dunleashed.signer.repo, else the nearest directory up from here with testdata/. */
    static Path repo() {
        String given = System.getProperty("unleashed.signer.repo");
        if (given != null) {
            return Path.of(given).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("testdata/vectors.txt"))
                    && Files.isRegularFile(dir.resolve("include/unleashed_signer.h"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run the tests inside the repository, or set -Dunleashed.signer.repo");
    }

    static List<String> lines(String relative) {
        try {
            return Files.readAllLines(repo().resolve(relative), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(String field) {
        return field.equals("-") ? new byte[0] : HexFormat.of().parseHex(field);
    }

    /** The bytes as a String if they are valid UTF-8 (so that the String API can be used), else empty. */
    static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** One line of testdata/vectors.txt (its header comment describes the fields). */
    record Vector(int line, String kind, KeyFormat keyFormat, byte[] key, SignedForm form, String input,
            byte[] expectedWire, String signature) {
        /** For a query vector: name, value, name, value... */
        List<byte[]> params() {
            List<byte[]> params = new ArrayList<>();
            if (!input.equals("-")) {
                for (String pair : input.split(",")) {
                    String[] nameValue = pair.split(":", -1);
                    params.add(hex(nameValue[0]));
                    params.add(hex(nameValue[1]));
                }
            }
            return params;
        }

        @Override
        public String toString() {
            return "vectors.txt:" + line + " " + kind + " " + keyFormat + (form == null ? "" : " " + form);
        }
    }

    static List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        List<String> lines = lines("testdata/vectors.txt");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            if (f.length != 7) {
                throw new IllegalStateException("vectors.txt:" + (i + 1) + " has " + f.length + " fields, not 7");
            }
            KeyFormat format = KeyFormat.valueOf(f[1].toUpperCase(java.util.Locale.ROOT));
            SignedForm form = f[3].equals("-") ? null : SignedForm.valueOf(f[3].toUpperCase(java.util.Locale.ROOT));
            vectors.add(new Vector(i + 1, f[0], format, hex(f[2]), form, f[4], hex(f[5]), f[6]));
        }
        return vectors;
    }

    /** testdata/e2e_cases.txt: the made-up credentials and the queries, each a list of (name, value). */
    record E2e(String key, String otherKey, String apiId, String clientType,
            List<List<Map.Entry<String, String>>> cases) {}

    static E2e e2e() {
        String key = null, otherKey = null, apiId = null, clientType = null;
        List<List<Map.Entry<String, String>>> cases = new ArrayList<>();
        for (String line : lines("testdata/e2e_cases.txt")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ", 2);
            switch (f[0]) {
                case "key" -> key = f[1];
                case "other-key" -> otherKey = f[1];
                case "api-id" -> apiId = f[1];
                case "client-type" -> clientType = f[1];
                case "case" -> {
                    List<Map.Entry<String, String>> params = new ArrayList<>();
                    for (String pair : f[1].split(",")) {
                        String[] nameValue = pair.split(":", -1);
                        String name = new String(hex(nameValue[0]), UTF_8);
                        params.add(Map.entry(name, new String(hex(nameValue[1]), UTF_8)));
                    }
                    cases.add(params);
                }
                default -> throw new IllegalStateException("e2e_cases.txt: unknown line " + f[0]);
            }
        }
        if (key == null || otherKey == null || apiId == null || clientType == null || cases.isEmpty()) {
            throw new IllegalStateException("e2e_cases.txt lacks a key, other-key, api-id, client-type or cases");
        }
        return new E2e(key, otherKey, apiId, clientType, cases);
    }
}

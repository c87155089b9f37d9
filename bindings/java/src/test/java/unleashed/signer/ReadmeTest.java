package unleashed.signer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example in the README's Java section, run exactly as shown: its program saved as the file the command
 * names, its {@code java -cp ...} command run by bash in a directory laid out like the repository (the jar under
 * test at the path the command gives), and its output compared with the text block that follows.
 */
class ReadmeTest {
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```$");

    /** The fenced blocks of the README's section with this heading: (language, text) in order. */
    private static List<String[]> blocks(String readme, String heading) {
        String text = String.join("\n", TestData.lines(readme)) + "\n";
        int start = text.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, readme + " has no section '" + heading + "'");
        int end = text.indexOf("\n## ", start + heading.length() + 2);
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<String[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(section);
        while (m.find()) {
            blocks.add(new String[] {m.group(1), m.group(2)});
        }
        return blocks;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bindings/java/README.md|## Example"})
    void theExampleRunsAsShown(String where) throws Exception {
        String[] readmeAndHeading = where.split("\\|");
        List<String[]> blocks = blocks(readmeAndHeading[0], readmeAndHeading[1]);
        String program = null, command = null, output = null;
        for (String[] block : blocks) {
            if (block[0].equals("java") && program == null) {
                program = block[1];
            } else if (block[0].equals("sh") && program != null && command == null) {
                command = block[1].lines().filter(l -> l.startsWith("java ")).findFirst().orElse(null);
            } else if (block[0].equals("text") && command != null && output == null) {
                output = block[1];
            }
        }
        assertTrue(program != null && command != null && output != null,
                where + ": expected a java block, then a sh block with a 'java ...' line, then a text block");
        Matcher m = Pattern.compile("^java -cp (\\S+\\.jar) (\\w+\\.java)$").matcher(command);
        assertTrue(m.matches(), "the command is not 'java -cp <jar> <File>.java': " + command);

        Path dir = Files.createTempDirectory("unleashed-readme");
        try {
            Path jar = dir.resolve(m.group(1));
            Files.createDirectories(jar.getParent());
            Files.copy(Path.of(SigningKey.class.getProtectionDomain().getCodeSource().getLocation().toURI()), jar);
            Files.writeString(dir.resolve(m.group(2)), program, UTF_8);
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                    + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            Process process = builder.start();
            String printed = new String(process.getInputStream().readAllBytes(), UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the example did not finish");
            assertEquals(0, process.exitValue(), "the example failed; it printed:\n" + printed);
            assertEquals(output, printed, where + ": the example's output differs from the README's");
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

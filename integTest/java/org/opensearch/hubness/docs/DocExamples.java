package org.opensearch.hubness.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable examples of a Markdown page: fenced blocks whose info string is {@code bash example} (optionally
 * {@code status=NNN} for an example that documents an error), each one curl command a reader can paste:
 * {@code curl -s -X METHOD "http://localhost:9200/path"}, with an optional single-quoted body that starts at the end
 * of that line ({@code -d '} or {@code --data-binary '}) and ends at a line holding only {@code '}.
 */
public record DocExamples(Path file, List<Example> examples) {

    /** One example: the parsed request, and the command exactly as the page shows it. */
    public record Example(String where, String method, String path, String body, int expectedStatus, String command) {
        @Override
        public String toString() {
            return where + ": " + method + " " + path;
        }
    }

    private static final Pattern OPEN = Pattern.compile("^```bash example(?:\\s+status=(\\d{3}))?\\s*$");
    private static final Pattern CURL = Pattern.compile(
            "^curl -s -X (GET|PUT|POST|DELETE|HEAD) \"http://localhost:9200(/[^\"]*)\"(?: -H '[^']*')?( (?:-d|--data-binary) ')?$");

    /** A fenced block whose opening line matched: where it opens, that line's match, and the lines inside it. */
    public record Block(String where, Matcher open, List<String> lines) {
        public String firstLine() {
            return lines.isEmpty() ? "" : lines.get(0);
        }

        /** The lines after the first up to a last line holding only {@code '}: a single-quoted shell argument. */
        public String quotedBody() {
            if (lines.size() < 2 || !lines.get(lines.size() - 1).equals("'")) {
                throw new IllegalStateException(where + ": the body must end with a line holding only '");
            }
            return String.join("\n", lines.subList(1, lines.size() - 1));
        }

        public String command() {
            return String.join("\n", lines);
        }
    }

    /** Every fenced block of {@code file} whose opening line matches {@code open}. */
    public static List<Block> blocks(Path file, Pattern open) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = open.matcher(lines.get(i));
            if (!m.matches()) continue;
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).startsWith("```")) end++;
            if (end == lines.size()) throw new IllegalStateException(file + ":" + (i + 1) + ": unclosed example block");
            out.add(new Block(file.getFileName() + ":" + (i + 1), m, lines.subList(i + 1, end)));
            i = end;
        }
        return out;
    }

    public static DocExamples parse(Path file) throws IOException {
        List<Example> out = new ArrayList<>();
        for (Block b : blocks(file, OPEN)) {
            Matcher curl = CURL.matcher(b.firstLine());
            if (!curl.matches()) {
                throw new IllegalStateException(b.where()
                        + ": an example is one 'curl -s -X METHOD \"http://localhost:9200/path\"' command, got: "
                        + b.firstLine());
            }
            String body = null;
            if (curl.group(3) != null) {
                // bash's way to write ' inside a single-quoted string
                body = b.quotedBody().replace("'\\''", "'").strip();
                if (curl.group(2).contains("_bulk")) body = body + "\n";
            } else if (b.lines().size() != 1) {
                throw new IllegalStateException(b.where() + ": a command without -d must be alone in its block");
            }
            String status = b.open().group(1);
            out.add(new Example(
                    b.where(),
                    curl.group(1),
                    curl.group(2),
                    body,
                    status == null ? -1 : Integer.parseInt(status),
                    b.command()));
        }
        return new DocExamples(file, out);
    }
}

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

    public static DocExamples parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = OPEN.matcher(lines.get(i));
            if (!open.matches()) continue;
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) end++;
            if (end == lines.size()) throw new IllegalStateException(file + ":" + (i + 1) + ": unclosed example block");
            String where = file.getFileName() + ":" + (i + 1);
            Matcher curl = CURL.matcher(start < end ? lines.get(start) : "");
            if (!curl.matches()) throw new IllegalStateException(where + ": an example is one 'curl -s -X METHOD \"http://localhost:9200/path\"' command, got: " + lines.get(start));
            String body = null;
            if (curl.group(3) != null) {
                if (end - 1 <= start || !lines.get(end - 1).equals("'")) throw new IllegalStateException(where + ": the body must end with a line holding only '");
                // bash's way to write ' inside a single-quoted string
                body = String.join("\n", lines.subList(start + 1, end - 1)).replace("'\\''", "'").strip();
                if (curl.group(2).contains("_bulk")) body = body + "\n";
            } else if (end != start + 1) {
                throw new IllegalStateException(where + ": a command without -d must be alone in its block");
            }
            out.add(new Example(where, curl.group(1), curl.group(2), body, open.group(1) == null ? -1 : Integer.parseInt(open.group(1)),
                String.join("\n", lines.subList(start, end))));
            i = end;
        }
        return new DocExamples(file, out);
    }
}

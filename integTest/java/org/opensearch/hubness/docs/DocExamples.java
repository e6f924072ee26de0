package org.opensearch.hubness.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable examples of a Markdown page: fenced blocks whose info string is {@code http request} (optionally
 * {@code status=NNN} for an example that documents an error), written as in the Dev Tools console: the first line is
 * {@code METHOD /path}, the rest is the body (JSON, or NDJSON for _bulk).
 */
public record DocExamples(Path file, List<Example> examples) {

    public record Example(String where, String method, String path, String body, int expectedStatus) {
        @Override
        public String toString() {
            return where + ": " + method + " " + path;
        }
    }

    private static final Pattern OPEN = Pattern.compile("^```http request(?:\\s+status=(\\d{3}))?\\s*$");
    private static final Pattern REQUEST_LINE = Pattern.compile("^(GET|PUT|POST|DELETE|HEAD) (/\\S*)$");

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
            Matcher request = REQUEST_LINE.matcher(start < end ? lines.get(start) : "");
            if (!request.matches()) throw new IllegalStateException(where + ": an example starts with 'METHOD /path', got: " + lines.get(start));
            String body = String.join("\n", lines.subList(start + 1, end)).strip();
            if (request.group(2).contains("_bulk")) body = body + "\n";
            out.add(new Example(where, request.group(1), request.group(2), body.isBlank() ? null : body,
                open.group(1) == null ? -1 : Integer.parseInt(open.group(1))));
            i = end;
        }
        return new DocExamples(file, out);
    }
}

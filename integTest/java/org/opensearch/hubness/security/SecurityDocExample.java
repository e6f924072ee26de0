package org.opensearch.hubness.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runnable example of the user guide's security section: a fenced block marked {@code bash security-example}
 * holding one curl command to https://localhost:9200, authenticated as the demo admin, with an optional
 * single-quoted JSON body that starts at the end of the first line and ends at a line holding only {@code '}.
 * DocsExamplesIT (plain HTTP, no security plugin) skips these blocks; SecurityIT runs them.
 */
record SecurityDocExample(String where, String method, String path, String body, String command) {

    private static final Pattern OPEN = Pattern.compile("^```bash security-example\\s*$");
    private static final Pattern CURL = Pattern.compile("^curl -s --cacert config/root-ca\\.pem -u \"admin:\\$OPENSEARCH_INITIAL_ADMIN_PASSWORD\" "
        + "-X (GET|PUT|POST|DELETE) \"https://localhost:9200(/[^\"]*)\"(?: -H '[^']*')?( -d ')?$");

    @Override
    public String toString() {
        return where + ": " + method + " " + path;
    }

    static List<SecurityDocExample> parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<SecurityDocExample> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!OPEN.matcher(lines.get(i)).matches()) continue;
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) end++;
            String where = file.getFileName() + ":" + (i + 1);
            Matcher curl = CURL.matcher(start < end ? lines.get(start) : "");
            if (!curl.matches()) throw new IllegalStateException(where + ": not a documented security command: " + lines.get(start));
            String body = null;
            if (curl.group(3) != null) {
                if (end - 1 <= start || !lines.get(end - 1).equals("'")) throw new IllegalStateException(where + ": the body must end with a line holding only '");
                body = String.join("\n", lines.subList(start + 1, end - 1)).strip();
            }
            out.add(new SecurityDocExample(where, curl.group(1), curl.group(2), body, String.join("\n", lines.subList(start, end))));
            i = end;
        }
        if (out.isEmpty()) throw new IllegalStateException(file + " has no ```bash security-example blocks");
        return out;
    }
}

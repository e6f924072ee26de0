package org.opensearch.hubness.security;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opensearch.hubness.docs.DocExamples;

/**
 * A runnable example of the user guide's security section: a fenced block marked {@code bash security-example}
 * holding one curl command to https://localhost:9200, authenticated as the demo admin, with an optional
 * single-quoted JSON body that starts at the end of the first line and ends at a line holding only {@code '}.
 * DocsExamplesIT (plain HTTP, no security plugin) skips these blocks; SecurityIT runs them.
 */
record SecurityDocExample(String where, String method, String path, String body, String command) {

    /** The CA that {@code scripts/local-node} writes for a security node, relative to the project root. */
    static final String CA_FILE = "target/local-node/root-ca.pem";

    private static final Pattern OPEN = Pattern.compile("^```bash security-example\\s*$");
    private static final Pattern CURL = Pattern.compile(
            "^curl -s --cacert " + Pattern.quote(CA_FILE) + " -u \"admin:\\$OPENSEARCH_INITIAL_ADMIN_PASSWORD\" "
                    + "-X (GET|PUT|POST|DELETE) \"https://localhost:9200(/[^\"]*)\"(?: -H '[^']*')?( -d ')?$");

    @Override
    public String toString() {
        return where + ": " + method + " " + path;
    }

    static List<SecurityDocExample> parse(Path file) throws IOException {
        List<SecurityDocExample> out = new ArrayList<>();
        for (DocExamples.Block b : DocExamples.blocks(file, OPEN)) {
            Matcher curl = CURL.matcher(b.firstLine());
            if (!curl.matches())
                throw new IllegalStateException(b.where() + ": not a documented security command: " + b.firstLine());
            String body = curl.group(3) == null ? null : b.quotedBody().strip();
            out.add(new SecurityDocExample(b.where(), curl.group(1), curl.group(2), body, b.command()));
        }
        if (out.isEmpty()) throw new IllegalStateException(file + " has no ```bash security-example blocks");
        return out;
    }
}

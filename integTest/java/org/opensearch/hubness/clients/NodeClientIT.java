package org.opensearch.hubness.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The official Node.js client (@opensearch-project/opensearch, pinned in clients/node/package-lock.json): runs
 * {@code npm ci} in clients/node, then the example script against the test cluster, and checks its rescored hits
 * against the same search over plain HTTP. Skipped when node or npm is not installed.
 */
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class NodeClientIT {

    static final String GALLERY = "node-client-images";
    static final String BANK_INDEX = "node-client-captions";
    static final String BANK = "node-client-v1";

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private static final Path DIR =
            Path.of(System.getProperty("hubness.project.dir", ".")).resolve("clients/node");

    @BeforeAll
    static void setUp() throws Exception {
        LoudSkip.unless(
                onPath("node") && onPath("npm"), "node and npm are not installed, so the Node.js client cannot run");
        Result ci = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 600);
        assertEquals(0, ci.exit(), "npm ci in " + DIR + " failed:\n" + ci.output());
        ClientFixture.drop(cluster, GALLERY, BANK_INDEX, BANK);
        ClientFixture.create(cluster, GALLERY, BANK_INDEX);
        cluster.put("/_plugins/_hubness/banks/" + BANK, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"sample": {"size": 4, "seed": 7}}}
            """.formatted(GALLERY, BANK_INDEX))
                .ok();
    }

    @AfterAll
    static void tearDown() {
        ClientFixture.drop(cluster, GALLERY, BANK_INDEX, BANK);
    }

    @Test
    void theExampleScriptReturnsTheRescoredHits() throws Exception {
        for (String method : List.of("is", "dual_dis")) {
            Result r = run(
                    List.of(
                            "node",
                            "hubness-search.js",
                            "--url",
                            cluster.baseUrl(),
                            "--index",
                            GALLERY,
                            "--bank",
                            BANK,
                            "--method",
                            method,
                            "--vector",
                            "0.7,0.3,0.2,0.4",
                            "--json"),
                    120);
            assertEquals(0, r.exit(), "the Node.js example failed:\n" + r.output());
            JsonNode out = LocalCluster.JSON.readTree(r.output()
                    .lines()
                    .filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b)
                    .orElseThrow());
            List<String> ids = new ArrayList<>();
            for (JsonNode hit : out.path("hits")) {
                ids.add(hit.path("id").asText());
                assertTrue(hit.path("score").asDouble() >= 1, method + ": hit " + hit + " was not rescored");
            }
            List<Double> scores = new ArrayList<>();
            assertEquals(
                    ClientFixture.referenceIds(cluster, GALLERY, BANK, method, scores),
                    ids,
                    method + ": Node.js hits differ from plain HTTP");
            assertEquals(6, ids.size());
        }
    }

    @Test
    void anInvalidRescoreFailsWithTheReason() throws Exception {
        Result r = run(
                List.of(
                        "node",
                        "hubness-search.js",
                        "--url",
                        cluster.baseUrl(),
                        "--index",
                        GALLERY,
                        "--bank",
                        BANK,
                        "--method",
                        "softmax",
                        "--vector",
                        "0.7,0.3,0.2,0.4"),
                120);
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("unknown method [softmax]"), r.output());
    }

    record Result(int exit, String output) {}

    static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("node-client", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .directory(DIR.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(
                        -1,
                        "timed out after " + timeoutSeconds + " s: " + command + "\n"
                                + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, exe))) return true;
        }
        return false;
    }
}

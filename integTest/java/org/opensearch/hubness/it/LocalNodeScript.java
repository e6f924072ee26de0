package org.opensearch.hubness.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs scripts/local-node against the test cluster (e.g. to stop and restart one node). */
final class LocalNodeScript {

    private LocalNodeScript() {}

    static void run(String... args) throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("hubness.project.dir", "."));
        String[] command = new String[args.length + 1];
        command[0] = project.resolve("scripts/local-node").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("NODE_HOME", System.getProperty("hubness.cluster.dir", "target/it-cluster"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("scripts/local-node " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}

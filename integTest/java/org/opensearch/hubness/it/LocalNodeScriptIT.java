package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * scripts/local-node on the IT cluster: after a hard kill ({@code kill -9}, which leaves the node's pid file behind),
 * {@code start-node} brings the node back and says so, instead of reading the dead pid as "exited during start-up".
 */
class LocalNodeScriptIT {

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @Test
    void startNodeAfterAHardKillReportsTheNodeBack() throws Exception {
        Path clusterDir = Path.of(System.getProperty("hubness.cluster.dir", "target/it-cluster"));
        Path runDir = Path.of(Files.readString(clusterDir.resolve("run-dir")).trim());
        Path pidFile = runDir.resolve("node-3").resolve("opensearch.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle node = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("node-3 is not running"));
        node.destroyForcibly();
        node.onExit().get(2, TimeUnit.MINUTES);
        assertFalse(node.isAlive());
        assertEquals(String.valueOf(pid), Files.readString(pidFile).trim(), "the kill leaves the pid file behind");

        LocalNodeScript.run("start-node", "3"); // fails with the script's output if it reports a failed start

        cluster.get("/_cluster/health?wait_for_nodes=3&timeout=120s").ok();
        BankGuaranteesIT.waitForHttp(3);
        long newPid = Long.parseLong(Files.readString(pidFile).trim());
        assertFalse(newPid == pid, "a new node process runs");
    }
}

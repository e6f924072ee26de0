package org.opensearch.hubness.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's independent numpy oracle, {@code src/test/python/hubness_oracle.py}, run as a {@code python3} process
 * from the project directory (where surefire and failsafe run the tests). Callers skip through
 * {@code LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE)} so the skip names the test.
 */
public final class NumpyOracle {

    public static final String UNAVAILABLE =
            "python3 with numpy is not on the PATH, so the independent oracle cannot run "
                    + "(install python3-numpy; the CI image has it)";

    private static final Path SCRIPT = Path.of("src/test/python/hubness_oracle.py");

    private NumpyOracle() {}

    /** Whether {@code python3 -c "import numpy"} succeeds. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs the oracle with these arguments and fails the test, with its output, unless it exits 0 in time. */
    public static void run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd =
                new ArrayList<>(List.of("python3", SCRIPT.toAbsolutePath().toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "oracle timed out");
        assertEquals(0, p.exitValue(), "oracle failed: " + output);
    }
}

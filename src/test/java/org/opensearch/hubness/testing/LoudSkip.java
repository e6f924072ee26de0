package org.opensearch.hubness.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * The one way a test here may skip: with a reason printed on stderr (so it shows in the build log next to the test's
 * name, not only as a count in the surefire summary). Used only where no fallback can check the same thing.
 */
public final class LoudSkip {

    private LoudSkip() {}

    /** Skips the calling test (or class, from a @BeforeAll) unless {@code condition} holds. */
    public static void unless(boolean condition, String reason) {
        if (!condition) {
            StackTraceElement caller = StackWalker.getInstance()
                    .walk(s -> s.skip(1).findFirst())
                    .map(f -> f.toStackTraceElement())
                    .orElse(null);
            System.err.println("SKIPPED " + (caller == null ? "" : caller.getClassName() + "." + caller.getMethodName())
                    + ": " + reason);
            Assumptions.assumeTrue(false, reason);
        }
    }
}

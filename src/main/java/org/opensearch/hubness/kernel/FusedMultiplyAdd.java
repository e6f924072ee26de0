package org.opensearch.hubness.kernel;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Whether vector multiply-adds should be fused. A fused multiply-add is one instruction where the JIT has it, but
 * a slow software fallback where it does not, and on some older cores no faster than a multiply and an add. So, as
 * Lucene decides it for its own vector code: fused only when HotSpot reports {@code UseFMA} and the CPU is known to
 * run it fast (x86-64 with 256-bit vectors or wider, or 64-bit ARM outside macOS). {@code -Dhubness.kernel.fma=true}
 * or {@code false} overrides the guess. The choice changes the last bits of a dot product, never its position
 * independence: every output of one JVM is computed the same way.
 */
final class FusedMultiplyAdd {

    private FusedMultiplyAdd() {}

    static boolean isFast() {
        String forced = System.getProperty("hubness.kernel.fma");
        if (forced != null) {
            return Boolean.parseBoolean(forced);
        }
        if (!hotspotUsesFma()) {
            return false;
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (arch.equals("aarch64")) {
            return !os.contains("mac");
        }
        return (arch.equals("amd64") || arch.equals("x86_64")) && preferredVectorBits() >= 256;
    }

    @SuppressForbidden(
            reason =
                    "HotSpot's UseFMA flag is what tells whether fused multiply-adds are fast; absent on other JVMs, then false")
    private static boolean hotspotUsesFma() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean bean =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null
                    && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot, or the management module is absent: do not guess
        }
    }

    private static int preferredVectorBits() {
        return jdk.incubator.vector.VectorShape.preferredShape().vectorBitSize();
    }
}

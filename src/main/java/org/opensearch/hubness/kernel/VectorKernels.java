package org.opensearch.hubness.kernel;

/**
 * Static entry point to the dot-product kernels. The implementation is chosen once, at class load:
 * the Panama kernel when the jdk.incubator.vector module is in the boot layer (the JVM was started
 * with --add-modules jdk.incubator.vector) and loads cleanly, the scalar twin otherwise.
 * Setting the system property {@code hubness.kernel=scalar} forces the scalar twin.
 */
public final class VectorKernels {

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Kernel KERNEL = choose();

    private VectorKernels() {}

    private static Kernel choose() {
        if ("scalar".equals(System.getProperty("hubness.kernel"))) {
            return new ScalarKernel();
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new ScalarKernel();
        }
        try {
            // by name, so that the scalar path never links against the incubator classes
            Class<?> panama = Class.forName("org.opensearch.hubness.kernel.PanamaKernel");
            return (Kernel) panama.getDeclaredConstructor().newInstance();
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            return new ScalarKernel();
        }
    }

    /** The kernel in use, for callers that prefer an instance. */
    public static Kernel kernel() {
        return KERNEL;
    }

    public static PackedRows pack(float[] rows, int n, int d) {
        return KERNEL.pack(rows, n, d);
    }

    public static void dotManyToMany(float[] a, int aRow0, int na, PackedRows b, float[] out) {
        KERNEL.dotManyToMany(a, aRow0, na, b, out);
    }

    public static void dotManyToMany(float[] a, int na, float[] b, int nb, int d, float[] out) {
        KERNEL.dotManyToMany(a, na, b, nb, d, out);
    }

    public static void dotOneToMany(float[] q, int qRow, float[] b, int nb, int d, float[] out) {
        KERNEL.dotOneToMany(q, qRow, b, nb, d, out);
    }

    public static boolean isVectorized() {
        return !(KERNEL instanceof ScalarKernel);
    }

    public static String implementationName() {
        return KERNEL.name();
    }
}

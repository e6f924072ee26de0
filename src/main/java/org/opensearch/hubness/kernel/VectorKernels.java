package org.opensearch.hubness.kernel;

/**
 * Static entry point to the dot-product kernels. The implementation is chosen once, at class load:
 * the Panama kernel when the jdk.incubator.vector module is in the boot layer (the JVM was started
 * with --add-modules jdk.incubator.vector) and loads cleanly, the scalar twin otherwise.
 * Setting the system property {@code hubness.kernel=scalar} forces the scalar twin.
 */
public final class VectorKernels {

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Kernel KERNEL = choose(Kernel.class, "PanamaKernel", ScalarKernel::new);
    private static final RowReductions ROWS =
            choose(RowReductions.class, "PanamaRowReductions", ScalarRowReductions::new);

    private VectorKernels() {}

    private static <T> T choose(Class<T> type, String panamaClass, java.util.function.Supplier<T> scalar) {
        if ("scalar".equals(System.getProperty("hubness.kernel"))) {
            return scalar.get();
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return scalar.get();
        }
        try {
            // by name, so that the scalar path never links against the incubator classes
            Class<?> panama = Class.forName("org.opensearch.hubness.kernel." + panamaClass);
            return type.cast(panama.getDeclaredConstructor().newInstance());
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            return scalar.get();
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

    /** The row reductions in use, chosen by the same rule as the dot-product kernel. */
    public static RowReductions rows() {
        return ROWS;
    }

    public static boolean isVectorized() {
        return !(KERNEL instanceof ScalarKernel);
    }

    /** The dot-product kernel's name; the row reductions follow the same choice (see {@link #rows()}). */
    public static String implementationName() {
        return KERNEL.name();
    }
}

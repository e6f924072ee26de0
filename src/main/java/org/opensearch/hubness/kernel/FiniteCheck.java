package org.opensearch.hubness.kernel;

/** Input validation done once, before the kernels, which assume finite numbers. */
public final class FiniteCheck {

    private FiniteCheck() {}

    /** Throws IllegalArgumentException naming {@code what} and the first non-finite index. */
    public static void requireFinite(float[] v, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(
                        what + " contains NaN or Infinity at index " + i + "; every component must be a finite number");
            }
        }
    }
}

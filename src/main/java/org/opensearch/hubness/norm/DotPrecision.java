package org.opensearch.hubness.norm;

/** How similarities for the bank terms and gates are computed. */
public enum DotPrecision {
    /** float lanes of the SIMD kernel: the fast path for the server (log-score error ≈ β·1e-7). */
    FLOAT,
    /** exact float×float products summed in double: oracle-grade, used by the offline scorer. */
    DOUBLE
}

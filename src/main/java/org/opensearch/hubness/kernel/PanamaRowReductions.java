/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD row reductions on the incubating Vector API, in double lanes (only this class and {@link PanamaKernel} touch
 * jdk.incubator.vector). The exp is a polynomial of its own rather than {@code VectorOperators.EXP}, whose speed depends
 * on whether the JDK has a vector math library for the CPU (without one it is a scalar call per lane): range reduction
 * x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 in two parts, Cody and Waite), e^r by its Taylor polynomial of degree 13
 * (truncation error below 1e-17 on that range), and 2^n put straight into the exponent bits. Measured against
 * {@link Math#exp}: at most 2.3e-16 relative error on [−708, 0]. No cross-lane reduction whose order the JIT may choose:
 * the lanes of a sum are added one by one in lane order, so a row's result is the same compiled or interpreted.
 */
public final class PanamaRowReductions implements RowReductions {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final boolean FMA = FusedMultiplyAdd.isFast();
    private static final RowReductions SCALAR = new ScalarRowReductions();

    private static final double LOG2E = 1.4426950408889634;
    /** 1.5·2^52: adding it rounds to an integer n kept in the low bits of the sum's representation. */
    private static final double SHIFT = 0x1.8p52;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 21 trailing zero bits, so n·LN2_HI is exact for |n| ≤ 2^11. */
    private static final double LN2_HI = 6.93147180369123816490e-01;

    private static final double LN2_LO = 1.90821492927058770002e-10;
    /** exp(−708) is still a normal double; exponents are floored there (every term of a log-sum-exp is ≤ 1). */
    private static final double LIMIT = 708;

    private static final double[] INVERSE_FACTORIALS = inverseFactorials(13);

    private static double[] inverseFactorials(int degree) {
        double[] c = new double[degree + 1];
        double factorial = 1;
        for (int i = 0; i <= degree; i++) {
            factorial *= Math.max(1, i);
            c[i] = 1 / factorial;
        }
        return c;
    }

    private static DoubleVector madd(DoubleVector x, DoubleVector y, DoubleVector acc) {
        return FMA ? x.fma(y, acc) : x.mul(y).add(acc);
    }

    @Override
    public double logSumExp(double[] x, int off, int n, double scale) {
        if (!(scale > 0) || n < L) {
            return SCALAR.logSumExp(
                    x, off, n, scale); // a non-positive scale takes its top from the minimum: rare, scalar
        }
        int bound = SPECIES.loopBound(n);
        DoubleVector max = DoubleVector.fromArray(SPECIES, x, off);
        for (int i = L; i < bound; i += L) {
            max = max.max(DoubleVector.fromArray(SPECIES, x, off + i));
        }
        double top = max.reduceLanes(VectorOperators.MAX); // exact in any order
        for (int i = bound; i < n; i++) {
            top = Math.max(top, x[off + i]);
        }
        top = scale * top; // = max of scale·x_i: rounding is monotone and scale > 0
        DoubleVector scaleV = DoubleVector.broadcast(SPECIES, scale);
        DoubleVector topV = DoubleVector.broadcast(SPECIES, top);
        DoubleVector log2e = DoubleVector.broadcast(SPECIES, LOG2E), shift = DoubleVector.broadcast(SPECIES, SHIFT);
        DoubleVector minusLn2Hi = DoubleVector.broadcast(SPECIES, -LN2_HI),
                minusLn2Lo = DoubleVector.broadcast(SPECIES, -LN2_LO);
        double[] c = INVERSE_FACTORIALS;
        DoubleVector minusLimit = DoubleVector.broadcast(SPECIES, -LIMIT);
        DoubleVector sum = DoubleVector.zero(SPECIES);
        // the exp is written out in the loop, not called: C2 does not inline a method this large, and a vector passed
        // to or returned from a call that is not inlined is boxed (tens of times slower)
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> lanes = SPECIES.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromArray(SPECIES, x, off + i, lanes)
                    .mul(scaleV)
                    .sub(topV);
            // v <= 0 (top is the largest scale·x), so only the floor can bind; a compare and a blend, not max(): Java's
            // max orders NaN and -0.0, six instructions on x86 where this takes two (same result for every v)
            v = v.blend(minusLimit, v.compare(VectorOperators.LT, minusLimit));
            // v = k·ln 2 + r, |r| ≤ ln 2 / 2: kd's low bits hold k (SHIFT's own low 12 bits are 0)
            DoubleVector kd = madd(v, log2e, shift);
            DoubleVector k = kd.sub(shift);
            DoubleVector r = madd(k, minusLn2Lo, madd(k, minusLn2Hi, v));
            // e^r by Horner; written out, since a loop over the coefficients kept the vectors boxed here
            DoubleVector p = madd(DoubleVector.broadcast(SPECIES, c[13]), r, DoubleVector.broadcast(SPECIES, c[12]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[11]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[10]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[9]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[8]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[7]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[6]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[5]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[4]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[3]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[2]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[1]));
            p = madd(p, r, DoubleVector.broadcast(SPECIES, c[0]));
            // 2^k: k + 1023 shifted into the exponent field
            DoubleVector twoToK = kd.reinterpretAsLongs()
                    .add(1023L)
                    .lanewise(VectorOperators.LSHL, 52)
                    .reinterpretAsDoubles();
            sum = sum.add(p.mul(twoToK), lanes);
        }
        double[] lanes = sum.toArray();
        double total = 0;
        for (double lane : lanes) {
            total += lane;
        }
        return top + Math.log(total);
    }

    @Override
    public int nextAtLeast(
            double[] x, int xOff, double a, double c1, double c2, double[] floor, int fOff, int from, int n) {
        int i = from;
        if (n - from >= L) {
            DoubleVector av = DoubleVector.broadcast(SPECIES, a);
            DoubleVector c1v = DoubleVector.broadcast(SPECIES, c1);
            DoubleVector c2v = DoubleVector.broadcast(SPECIES, c2);
            for (; i + L <= n; i += L) {
                DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i)
                        .mul(av)
                        .sub(c1v)
                        .sub(c2v);
                VectorMask<Double> hit =
                        v.compare(VectorOperators.GE, DoubleVector.fromArray(SPECIES, floor, fOff + i));
                if (hit.anyTrue()) {
                    return i + hit.firstTrue();
                }
            }
        }
        return SCALAR.nextAtLeast(x, xOff, a, c1, c2, floor, fOff, i, n);
    }

    @Override
    public int nextAbove(double[] x, int off, double threshold, int from, int n) {
        int i = from;
        if (n - from >= L) {
            DoubleVector t = DoubleVector.broadcast(SPECIES, threshold);
            for (; i + L <= n; i += L) {
                VectorMask<Double> hit =
                        DoubleVector.fromArray(SPECIES, x, off + i).compare(VectorOperators.GT, t);
                if (hit.anyTrue()) {
                    return i + hit.firstTrue();
                }
            }
        }
        return SCALAR.nextAbove(x, off, threshold, i, n);
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + "bit-" + L + "lanes" + (FMA ? "-fma" : "");
    }
}

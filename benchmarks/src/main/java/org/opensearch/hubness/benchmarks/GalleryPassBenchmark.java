/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.opensearch.hubness.build.PassSteps;
import org.opensearch.hubness.kernel.PackedRows;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.GalleryBlock;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.Similarity;

/**
 * One whole step of a bank build ({@link GalleryPass#scan}: the blocked product against both banks, then every per-row
 * reduction: Lq and Lg, the CSLS and NNN means, each bank vector's top-k offers, the report's top lists) beside the bare
 * product of the same rows against the same packed banks ({@code kernel}). The ratio pass/kernel is what the
 * reductions cost on top of the arithmetic; scripts/bench-pass prints it. Unit-length random rows (the banks'
 * similarity is the dot product of prepared rows, as for cosine), the default parameters and 1 000 report rows (the
 * default of {@code plugins.hubness.build.report_queries}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@State(Scope.Thread)
public class GalleryPassBenchmark {

    static final int REPORT_ROWS = 1000;

    @Param({"256", "1024"})
    int rows;

    @Param({"10000"})
    int bank;

    @Param({"384"})
    int d;

    private GalleryBlock block;
    private GalleryBlock fourSteps;
    private GalleryPass pass;
    private PackedRows packedQuery;
    private PackedRows packedGallery;
    private float[] outQuery;
    private float[] outGallery;

    @Setup
    public void setup() {
        float[] gallery = unitRows(rows, 3);
        float[] queryBank = unitRows(bank, 4);
        float[] galleryBank = unitRows(bank, 5);
        long[] keys = new long[rows];
        for (int i = 0; i < rows; i++) keys[i] = i;
        block = new GalleryBlock(gallery, rows, keys);
        long[] keys4 = new long[4 * rows];
        for (int i = 0; i < keys4.length; i++) keys4[i] = i;
        fourSteps = new GalleryBlock(unitRows(4 * rows, 6), 4 * rows, keys4);
        pass = new GalleryPass(
                new BankMatrix(queryBank, bank, d),
                new BankMatrix(galleryBank, bank, d),
                NormParams.defaults(),
                REPORT_ROWS,
                DotPrecision.FLOAT);
        packedQuery = VectorKernels.pack(queryBank, bank, d);
        packedGallery = VectorKernels.pack(galleryBank, bank, d);
        outQuery = new float[rows * bank];
        outGallery = new float[rows * bank];
        if (!VectorKernels.isVectorized()) {
            throw new IllegalStateException("the vector module is missing: " + VectorKernels.implementationName());
        }
    }

    private float[] unitRows(int n, long seed) {
        float[] m = Data.matrix(n, d, seed);
        Similarity.COSINE.prepareRows(m, n, d);
        return m;
    }

    /** One build step over all rows: product, terms, top-k offers, report. */
    @Benchmark
    public PassPartial pass() {
        return pass.scan(block, 0, rows, rows, null);
    }

    /**
     * Four steps of {@code rows} rows in one scan (on the calling thread): from the second step on, the steps offer to
     * the top-k lists the earlier steps filled, as the steps of a build do. Time per step.
     */
    @Benchmark
    @OperationsPerInvocation(4)
    public PassPartial passSteady() {
        return PassSteps.scan(pass, fourSteps, Runnable::run, rows, null).join();
    }

    /** The same rows against the same two banks, the product alone. */
    @Benchmark
    public float[] kernel() {
        VectorKernels.dotManyToMany(block.vectors(), 0, rows, packedQuery, outQuery);
        VectorKernels.dotManyToMany(block.vectors(), 0, rows, packedGallery, outGallery);
        return outGallery;
    }
}

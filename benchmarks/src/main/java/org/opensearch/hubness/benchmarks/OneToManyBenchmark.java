package org.opensearch.hubness.benchmarks;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.hubness.kernel.ScalarKernel;
import org.opensearch.hubness.kernel.VectorKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** One query against a bank of n vectors: ours (blocked 1×4), a loop of Lucene VectorUtil.dotProduct, our scalar twin. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Thread)
public class OneToManyBenchmark {

    @Param({"256", "512", "768"})
    int d;

    @Param({"1000", "10000"})
    int n;

    private float[] q;
    private float[] rows;
    private float[][] rowArrays;
    private float[] out;
    private final ScalarKernel scalar = new ScalarKernel();

    @Setup
    public void setup() {
        q = Data.matrix(1, d, 1);
        rows = Data.matrix(n, d, 2);
        rowArrays = Data.split(rows, n, d);
        out = new float[n];
        if (!VectorKernels.isVectorized()) {
            throw new IllegalStateException("the vector module is missing: " + VectorKernels.implementationName());
        }
    }

    @Benchmark
    public float[] ours() {
        VectorKernels.dotOneToMany(q, rows, n, d, out);
        return out;
    }

    @Benchmark
    public float[] oursDotLoop() {
        for (int i = 0; i < n; i++) {
            out[i] = VectorKernels.dot(q, 0, rows, i * d, d);
        }
        return out;
    }

    @Benchmark
    public float[] luceneVectorUtilLoop() {
        for (int i = 0; i < n; i++) {
            out[i] = VectorUtil.dotProduct(q, rowArrays[i]);
        }
        return out;
    }

    @Benchmark
    public float[] scalarTwin() {
        scalar.dotOneToMany(q, rows, n, d, out);
        return out;
    }
}

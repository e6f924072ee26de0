package org.opensearch.hubness.benchmarks;

import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
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
import org.opensearch.hubness.kernel.PackedRows;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.norm.DocTermsCalculator;

/**
 * The bank-build work: a block of gallery vectors (the block size of DocTermsCalculator) against a whole bank, with
 * our blocked kernel on a bank packed once (as the build uses it), the same packing the bank on every call, and a
 * nested loop of Lucene VectorUtil.dotProduct. 2·block·bank·d floating-point operations per call;
 * scripts/bench-kernels turns the time into GFLOP/s and prints numpy's single-thread matmul on the same shapes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Thread)
public class ManyToManyBenchmark {

    static final int BLOCK = DocTermsCalculator.BLOCK;

    @Param({"256", "512", "768"})
    int d;

    @Param({"1000", "10000"})
    int bank;

    private float[] gallery;
    private float[] bankRows;
    private float[][] galleryArrays;
    private float[][] bankArrays;
    private PackedRows packedBank;
    private float[] out;

    @Setup
    public void setup() {
        gallery = Data.matrix(BLOCK, d, 3);
        bankRows = Data.matrix(bank, d, 4);
        galleryArrays = Data.split(gallery, BLOCK, d);
        bankArrays = Data.split(bankRows, bank, d);
        packedBank = VectorKernels.pack(bankRows, bank, d);
        out = new float[BLOCK * bank];
        if (!VectorKernels.isVectorized()) {
            throw new IllegalStateException("the vector module is missing: " + VectorKernels.implementationName());
        }
    }

    @Benchmark
    public float[] blocked() {
        VectorKernels.dotManyToMany(gallery, 0, BLOCK, packedBank, out);
        return out;
    }

    @Benchmark
    public float[] blockedPackPerCall() {
        VectorKernels.dotManyToMany(gallery, BLOCK, bankRows, bank, d, out);
        return out;
    }

    @Benchmark
    public float[] luceneVectorUtilLoop() {
        for (int i = 0; i < BLOCK; i++) {
            float[] g = galleryArrays[i];
            for (int j = 0; j < bank; j++) {
                out[i * bank + j] = VectorUtil.dotProduct(g, bankArrays[j]);
            }
        }
        return out;
    }
}

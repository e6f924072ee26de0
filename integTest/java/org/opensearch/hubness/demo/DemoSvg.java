package org.opensearch.hubness.demo;

import java.util.List;
import java.util.Locale;

/**
 * The demo's figure as a hand-written SVG: left, the N_10 occurrence histogram (how many gallery images appear in the
 * top 10 of how many queries) for plain knn and for the best method; right, R@1 per method.
 */
final class DemoSvg {

    private static final String BEFORE = "#9aa0a6";
    private static final String AFTER = "#1a73e8";
    private static final int W = 1000, H = 440;

    private DemoSvg() {}

    static String render(
            List<HubnessDemo.Row> rows,
            HubnessDemo.Row before,
            HubnessDemo.Row after,
            int nq,
            int n,
            HubnessDemo.Labels labels) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                W,
                H,
                W,
                H));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        s.append(text(
                W / 2.0,
                24,
                String.format(
                        Locale.ROOT,
                        "Hubness on %s (%d %s, gallery of %d %s)",
                        labels.title(),
                        nq,
                        labels.queries(),
                        n,
                        labels.gallery()),
                16,
                "middle",
                "bold"));
        histogram(s, before, after, 70, 60, 480, 300, labels.gallery().replaceAll("s$", ""));
        recall(s, rows, 650, 60, 320, 300);
        s.append("</svg>\n");
        return s.toString();
    }

    /** N_10 histogram: bins 0..29 and 30+, items on a square-root axis so that the few hubs stay visible. */
    private static void histogram(
            StringBuilder s,
            HubnessDemo.Row before,
            HubnessDemo.Row after,
            double x0,
            double y0,
            double w,
            double h,
            String item) {
        int bins = 31;
        int[] a = bin(before.occurrences(), bins), b = bin(after.occurrences(), bins);
        int max = 1;
        for (int i = 0; i < bins; i++) max = Math.max(max, Math.max(a[i], b[i]));
        double top = Math.sqrt(niceCeil(max));
        s.append(text(
                x0 + w / 2,
                y0 - 14,
                "N_10 occurrences: in how many queries' top 10 each gallery " + item + " appears",
                13,
                "middle",
                "bold"));
        // y axis (sqrt scale)
        int[] ticks = {0, 1, 5, 10, 25, 50, 100, 200, 300, 400, 500};
        for (int t : ticks) {
            if (t > niceCeil(max)) break;
            double y = y0 + h - Math.sqrt(t) / top * h;
            s.append(line(x0, y, x0 + w, y, "#e0e0e0", 1));
            s.append(text(x0 - 6, y + 4, Integer.toString(t), 11, "end", "normal"));
        }
        s.append(line(x0, y0 + h, x0 + w, y0 + h, "#333", 1)).append(line(x0, y0, x0, y0 + h, "#333", 1));
        double bw = w / bins;
        for (int i = 0; i < bins; i++) {
            double bx = x0 + i * bw;
            s.append(rect(bx + 1, y0 + h - Math.sqrt(a[i]) / top * h, bw / 2 - 1, Math.sqrt(a[i]) / top * h, BEFORE));
            s.append(rect(
                    bx + bw / 2, y0 + h - Math.sqrt(b[i]) / top * h, bw / 2 - 1, Math.sqrt(b[i]) / top * h, AFTER));
            if (i % 5 == 0 || i == bins - 1) {
                s.append(text(
                        bx + bw / 2, y0 + h + 15, i == bins - 1 ? "30+" : Integer.toString(i), 11, "middle", "normal"));
            }
        }
        s.append(text(
                x0 + w / 2,
                y0 + h + 34,
                "N_10 (queries whose top 10 contain the " + item + ")",
                12,
                "middle",
                "normal"));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">"
                        + "gallery " + item + "s (square-root scale)</text>%n",
                x0 - 42,
                y0 + h / 2,
                x0 - 42,
                y0 + h / 2));
        // legend
        double lx = x0 + w - 250, ly = y0 + 8;
        s.append(rect(lx, ly, 12, 12, BEFORE))
                .append(text(
                        lx + 18,
                        ly + 11,
                        String.format(
                                Locale.ROOT,
                                "knn: skewness %.2f, largest hub %d",
                                before.summary().skew(),
                                maxOf(before.occurrences())),
                        12,
                        "start",
                        "normal"));
        s.append(rect(lx, ly + 20, 12, 12, AFTER))
                .append(text(
                        lx + 18,
                        ly + 31,
                        String.format(
                                Locale.ROOT,
                                "%s: skewness %.2f, largest hub %d",
                                after.method(),
                                after.summary().skew(),
                                maxOf(after.occurrences())),
                        12,
                        "start",
                        "normal"));
    }

    /** R@1 per method; the axis starts below the smallest value (labelled), the knn baseline dashed. */
    private static void recall(StringBuilder s, List<HubnessDemo.Row> rows, double x0, double y0, double w, double h) {
        double lo = 100, hi = 0;
        for (HubnessDemo.Row r : rows) {
            lo = Math.min(lo, r.summary().r1());
            hi = Math.max(hi, r.summary().r1());
        }
        double min = Math.max(0, Math.floor((lo - 5) / 10) * 10), max = Math.min(100, Math.ceil((hi + 3) / 5) * 5);
        s.append(text(x0 + w / 2, y0 - 14, "R@1 (%) per method", 13, "middle", "bold"));
        for (double t = min; t <= max + 1e-9; t += 5) {
            double y = y0 + h - (t - min) / (max - min) * h;
            s.append(line(x0, y, x0 + w, y, "#e0e0e0", 1));
            s.append(text(x0 - 6, y + 4, String.format(Locale.ROOT, "%.0f", t), 11, "end", "normal"));
        }
        s.append(line(x0, y0 + h, x0 + w, y0 + h, "#333", 1)).append(line(x0, y0, x0, y0 + h, "#333", 1));
        double bw = w / rows.size();
        double base = rows.get(0).summary().r1();
        for (int i = 0; i < rows.size(); i++) {
            HubnessDemo.Row r = rows.get(i);
            double v = r.summary().r1();
            double bh = (v - min) / (max - min) * h;
            double bx = x0 + i * bw + bw * 0.15;
            s.append(rect(bx, y0 + h - bh, bw * 0.7, bh, i == 0 || v == base ? BEFORE : v > base ? AFTER : "#c5221f"));
            s.append(text(
                    bx + bw * 0.35, y0 + h - bh - 4, String.format(Locale.ROOT, "%.1f", v), 11, "middle", "normal"));
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-35 %.1f %.1f)\">%s</text>%n",
                    bx + bw * 0.45,
                    y0 + h + 14,
                    bx + bw * 0.45,
                    y0 + h + 14,
                    r.method()));
        }
        double by = y0 + h - (base - min) / (max - min) * h;
        s.append(String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>%n",
                x0,
                by,
                x0 + w,
                by));
        s.append(text(
                x0 + w / 2,
                y0 + h + 60,
                "axis starts at " + String.format(Locale.ROOT, "%.0f", min)
                        + "; dashed: plain knn; blue: better, red: worse",
                11,
                "middle",
                "normal"));
    }

    private static int[] bin(int[] occ, int bins) {
        int[] out = new int[bins];
        for (int c : occ) out[Math.min(c, bins - 1)]++;
        return out;
    }

    private static int maxOf(int[] v) {
        int m = 0;
        for (int x : v) m = Math.max(m, x);
        return m;
    }

    private static int niceCeil(int v) {
        for (int t : new int[] {5, 10, 25, 50, 100, 200, 300, 400, 500}) if (v <= t) return t;
        return v;
    }

    private static String rect(double x, double y, double w, double h, String fill) {
        return String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x,
                y,
                Math.max(0, w),
                Math.max(0, h),
                fill);
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, double width) {
        return String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
                x1,
                y1,
                x2,
                y2,
                stroke,
                width);
    }

    private static String text(double x, double y, String t, int size, String anchor, String weight) {
        return String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" font-weight=\"%s\">%s</text>%n",
                x,
                y,
                size,
                anchor,
                weight,
                t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
    }
}

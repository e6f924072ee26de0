package org.opensearch.hubness.norm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.opensearch.hubness.kernel.RowReductions;
import org.opensearch.hubness.kernel.VectorKernels;

/**
 * Keeps the top-k (value, key) pairs of many lists at once, ordered by value (larger first) and, among equal values,
 * by key (smaller first). Keys must be unique per list. That order is total, so the lists hold the top k of
 * everything ever offered whatever the order of the offers, and two trackers merge into the top k of their union:
 * blocks and shards can be scanned in any order and split in any way. Offered in increasing key order, equal values
 * never displace an earlier entry: ties go to the smaller index.
 */
public final class TopKTracker {

    private static final RowReductions ROWS = VectorKernels.rows();

    private final int k;
    private final double[] values;
    private final long[] keys;
    private final int[] counts;
    /** Per list the least value an offer must reach to enter: its k-th value once full, −∞ before. */
    private final double[] floor;

    public TopKTracker(int lists, int k) {
        this.k = k;
        this.values = new double[lists * k];
        this.keys = new long[lists * k];
        this.counts = new int[lists];
        this.floor = new double[lists];
        java.util.Arrays.fill(floor, Double.NEGATIVE_INFINITY);
    }

    /**
     * Offers x[xOff + j] to list j for every j in [0, n) under one key: one gallery document against every bank
     * vector. Same lists as n single offers; the row kernel compares whole vectors of the row against the lists'
     * floors, and only the few values that reach one are offered one by one. Returns whether the key entered some
     * list.
     */
    public boolean offerRow(double[] x, int xOff, int n, long key) {
        return offerRow(x, xOff, n, 1, 0, 0, key);
    }

    /**
     * Offers (a·x[xOff + j] − c1) − c2, computed in double in that order, to list j for every j in [0, n); returns
     * whether the key entered some list.
     */
    public boolean offerRow(double[] x, int xOff, int n, double a, double c1, double c2, long key) {
        boolean entered = false;
        for (int j = ROWS.nextAtLeast(x, xOff, a, c1, c2, floor, 0, 0, n);
                j < n;
                j = ROWS.nextAtLeast(x, xOff, a, c1, c2, floor, 0, j + 1, n)) {
            entered |= offer(j, (a * x[xOff + j] - c1) - c2, key);
        }
        return entered;
    }

    public void offer(int list, double value, int index) {
        offer(list, value, (long) index);
    }

    /** Returns whether the pair entered the list. */
    public boolean offer(int list, double value, long key) {
        int base = list * k;
        int count = counts[list];
        if (count == k && !before(value, key, values[base + k - 1], keys[base + k - 1])) {
            return false;
        }
        int pos = count < k ? count : k - 1;
        if (count < k) {
            counts[list] = count + 1;
        }
        while (pos > 0 && before(value, key, values[base + pos - 1], keys[base + pos - 1])) {
            values[base + pos] = values[base + pos - 1];
            keys[base + pos] = keys[base + pos - 1];
            pos--;
        }
        values[base + pos] = value;
        keys[base + pos] = key;
        if (counts[list] == k) {
            floor[list] = values[base + k - 1];
        }
        return true;
    }

    private static boolean before(double value, long key, double otherValue, long otherKey) {
        return value > otherValue || (value == otherValue && key < otherKey);
    }

    /** Offers every entry of {@code other} (same number of lists): afterwards this holds the top k of both. */
    public void merge(TopKTracker other) {
        if (other.counts.length != counts.length) {
            throw new IllegalArgumentException("cannot merge " + other.counts.length + " lists into " + counts.length);
        }
        for (int list = 0; list < counts.length; list++) {
            for (int r = 0; r < other.count(list); r++) {
                offer(list, other.value(list, r), other.key(list, r));
            }
        }
    }

    public int lists() {
        return counts.length;
    }

    public int count(int list) {
        return counts[list];
    }

    /** The r-th best index of a list, r = 0 being the best (for keys that are int indices). */
    public int index(int list, int r) {
        return Math.toIntExact(keys[list * k + r]);
    }

    /** The r-th best key of a list, r = 0 being the best. */
    public long key(int list, int r) {
        return keys[list * k + r];
    }

    public double value(int list, int r) {
        return values[list * k + r];
    }

    /** Writes the lists (their shape and filled entries) for {@link #readFrom}: a partial crosses the wire this way. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(counts.length);
        out.writeInt(k);
        for (int list = 0; list < counts.length; list++) {
            out.writeInt(counts[list]);
            for (int r = 0; r < counts[list]; r++) {
                out.writeDouble(value(list, r));
                out.writeLong(key(list, r));
            }
        }
    }

    public static TopKTracker readFrom(DataInput in) throws IOException {
        int lists = in.readInt(), k = in.readInt();
        if (lists < 0 || k < 1 || (long) lists * k > Integer.MAX_VALUE - 8) {
            throw new IOException("a top-k tracker of " + lists + " lists of " + k + " is not valid");
        }
        TopKTracker t = new TopKTracker(lists, k);
        for (int list = 0; list < lists; list++) {
            int count = in.readInt();
            if (count < 0 || count > k) {
                throw new IOException("list " + list + " holds " + count + " entries, at most " + k + " allowed");
            }
            t.counts[list] = count;
            for (int r = 0; r < count; r++) {
                t.values[list * k + r] = in.readDouble();
                t.keys[list * k + r] = in.readLong();
            }
        }
        return t;
    }

    /** Same lists, same k, same entries in the same order. */
    public boolean sameAs(TopKTracker other) {
        return k == other.k
                && java.util.Arrays.equals(counts, other.counts)
                && java.util.Arrays.equals(values, other.values)
                && java.util.Arrays.equals(keys, other.keys);
    }
}

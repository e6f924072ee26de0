package org.opensearch.hubness.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy .npy array (format versions 1.0, 2.0 and 3.0), C order, little-endian float32/float64 (and, for
 * ground truth, int32/int64), 1-D or 2-D. Anything else is refused with a message naming the file and the
 * problem, rather than read wrongly. Values are held as doubles: every float32 and every int below 2^53
 * converts exactly.
 */
public final class NpyArray {

    /** Element types this reader understands. */
    public enum DType {
        FLOAT32("<f4", 4),
        FLOAT64("<f8", 8),
        INT32("<i4", 4),
        INT64("<i8", 8);

        final String descr;
        final int bytes;

        DType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        boolean isFloat() {
            return this == FLOAT32 || this == FLOAT64;
        }

        static DType of(String descr) {
            for (DType t : values()) {
                if (t.descr.equals(descr)) {
                    return t;
                }
            }
            return null;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final DType dtype;
    private final int[] shape;
    private final double[] values;

    private NpyArray(DType dtype, int[] shape, double[] values) {
        this.dtype = dtype;
        this.shape = shape;
        this.values = values;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rows() {
        return shape[0];
    }

    /** Columns of a 2-D array; 1 for a 1-D array. */
    public int cols() {
        return shape.length == 2 ? shape[1] : 1;
    }

    /** The values in C order. */
    public double[] values() {
        return values;
    }

    public float[] toFloats() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /** A 2-D float32/float64 matrix (vectors or scores). */
    public static NpyArray readMatrix(Path file) throws IOException {
        NpyArray a = read(file);
        if (!a.dtype.isFloat()) {
            throw new IllegalArgumentException(
                    file + ": dtype '" + a.dtype.descr + "' is not supported here; expected '<f4' or '<f8'");
        }
        if (a.shape.length != 2) {
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(a.shape) + " is " + a.shape.length
                    + "-D; expected a 2-D matrix (rows × columns)");
        }
        return a;
    }

    /** Any supported dtype, 1-D or 2-D. */
    public static NpyArray read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IllegalArgumentException(file + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = buf.getInt(8);
            headerStart = 12;
        } else {
            throw new IllegalArgumentException(file + ": .npy format version " + major + "." + (bytes[7] & 0xff)
                    + " is not supported (1.0, 2.0, 3.0 are)");
        }
        if (headerLength < 0 || headerStart + headerLength > bytes.length) {
            throw new IllegalArgumentException(file + ": truncated .npy header");
        }
        String header = new String(
                bytes, headerStart, headerLength, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        DType dtype = DType.of(descr);
        if (dtype == null) {
            throw new IllegalArgumentException(
                    file + ": dtype '" + descr + "' is not supported; expected little-endian "
                            + "'<f4' or '<f8' (or '<i4'/'<i8' for ground truth), e.g. save with arr.astype('<f4')");
        }
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new IllegalArgumentException(file + ": fortran_order is True; save the array in C order "
                    + "(np.save(path, np.ascontiguousarray(arr)))");
        }
        int[] shape = parseShape(group(SHAPE, header, file, "shape"), file);
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        int dataStart = headerStart + headerLength;
        long expected = count * dtype.bytes;
        if (bytes.length - dataStart != expected) {
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " needs " + expected
                    + " bytes of data, the file has " + (bytes.length - dataStart));
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": too many elements (" + count + ")");
        }
        double[] values = new double[(int) count];
        buf.position(dataStart);
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case FLOAT32 -> buf.getFloat();
                case FLOAT64 -> buf.getDouble();
                case INT32 -> buf.getInt();
                case INT64 -> buf.getLong();
            };
        }
        return new NpyArray(dtype, shape, values);
    }

    private static String group(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(
                    file + ": .npy header has no readable '" + key + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    private static int[] parseShape(String text, Path file) {
        String[] parts = text.split(",");
        int[] shape = new int[parts.length];
        int dims = 0;
        for (String part : parts) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            shape[dims++] = Integer.parseInt(t.replace("L", ""));
        }
        if (dims != 1 && dims != 2) {
            throw new IllegalArgumentException(
                    file + ": shape (" + text.trim() + ") is " + dims + "-D; only 1-D and 2-D arrays are supported");
        }
        return Arrays.copyOf(shape, dims);
    }

    public static void writeFloat64(Path file, double[] data, int rows, int cols) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            body.putDouble(v);
        }
        write(file, DType.FLOAT64, rows, cols, body.array(), data.length);
    }

    public static void writeFloat32(Path file, float[] data, int rows, int cols) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            body.putFloat(v);
        }
        write(file, DType.FLOAT32, rows, cols, body.array(), data.length);
    }

    /** Version 1.0 header, padded with spaces so the data starts on a 64-byte boundary (as numpy does). */
    private static void write(Path file, DType dtype, int rows, int cols, byte[] body, int count) throws IOException {
        if ((long) rows * cols != count) {
            throw new IllegalArgumentException(rows + "×" + cols + " does not match " + count + " values");
        }
        StringBuilder header = new StringBuilder(
                "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(prefix.array());
            out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        }
    }
}

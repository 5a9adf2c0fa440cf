package io.hyperprune.runtime.run;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The header of NumPy's .npy format (version 1.0): dtype, order and shape of the raw data after it. */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<DataType, String> DESCR = Map.of(
            DataType.FLOAT, "<f4",
            DataType.DOUBLE, "<f8",
            DataType.HALF, "<f2",
            DataType.INT, "<i4",
            DataType.LONG, "<i8");
    private static final Pattern DICT =
            Pattern.compile("\\{'descr': '([^']*)', 'fortran_order': (True|False), 'shape': \\(([0-9, ]*)\\), }");
    private static final int MAX_HEADER = 4096;

    private Npy() {}

    /** The header of a C-order array of this one's type and shape, padded to 64 bytes as NumPy writes it. */
    static byte[] header(INDArray array) {
        String descr = DESCR.get(array.dataType());
        if (descr == null) {
            throw new IllegalStateException("no .npy type for " + array.dataType());
        }
        long[] shape = array.shape();
        String tuple =
                String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList())
                        + (shape.length == 1 ? "," : "");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        String padded = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] text = padded.getBytes(StandardCharsets.US_ASCII);
        byte[] header = Arrays.copyOf(MAGIC, MAGIC.length + 4 + text.length);
        header[MAGIC.length] = 1; // version 1.0
        header[MAGIC.length + 1] = 0;
        header[MAGIC.length + 2] = (byte) text.length;
        header[MAGIC.length + 3] = (byte) (text.length >> 8);
        System.arraycopy(text, 0, header, MAGIC.length + 4, text.length);
        return header;
    }

    /** Reads a header and checks that the data after it fill {@code target}: same type, C order, same shape. */
    static void checkHeader(InputStream in, String name, INDArray target) throws IOException {
        byte[] start = in.readNBytes(MAGIC.length + 4);
        if (start.length < MAGIC.length + 4
                || !Arrays.equals(Arrays.copyOf(start, MAGIC.length), MAGIC)
                || start[6] != 1) {
            throw new InputException("its entry " + name + " is not a version 1 .npy array");
        }
        int length = (start[8] & 0xff) | (start[9] & 0xff) << 8;
        if (length > MAX_HEADER) {
            throw new InputException("its entry " + name + " has a .npy header of " + length + " bytes");
        }
        String dict = new String(in.readNBytes(length), StandardCharsets.US_ASCII).trim();
        Matcher m = DICT.matcher(dict);
        if (!m.matches()) {
            throw new InputException("its entry " + name + " has a .npy header hyperprune does not read: " + dict);
        }
        long[] shape = m.group(3).isBlank()
                ? new long[0]
                : Arrays.stream(m.group(3).split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .mapToLong(Long::parseLong)
                        .toArray();
        if (!m.group(1).equals(DESCR.get(target.dataType()))
                || m.group(2).equals("True")
                || !Arrays.equals(shape, target.shape())) {
            throw new InputException("its array " + name + " is " + m.group(1) + " " + Arrays.toString(shape)
                    + (m.group(2).equals("True") ? " in Fortran order" : "") + ", this run's model has "
                    + DESCR.get(target.dataType()) + " " + Arrays.toString(target.shape()));
        }
    }
}

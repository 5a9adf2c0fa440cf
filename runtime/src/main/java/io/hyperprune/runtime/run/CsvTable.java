package io.hyperprune.runtime.run;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file with a fixed header: written atomically (RFC 4180 quoting, '\n' line ends) and read by
 * column name, so a reader never depends on column positions and a file of another layout is named
 * with what was expected.
 */
public final class CsvTable {

    private final String name;
    private final List<String> columns;

    /** @param name what the file is, for messages ("results.csv of 'hyperprune experiment'") */
    public CsvTable(String name, List<String> columns) {
        this.name = name;
        this.columns = List.copyOf(columns);
    }

    public List<String> columns() {
        return columns;
    }

    /** The header line. */
    public String header() {
        return String.join(",", columns);
    }

    /** The file's text: the header, then one line per row (each row's cells in column order). */
    public String format(List<List<String>> rows) {
        StringWriter text = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(
                text, format().setHeader(columns.toArray(String[]::new)).get())) {
            for (List<String> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException(
                            name + ": a row has " + row.size() + " cells, the header " + columns.size());
                }
                printer.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Writes the rows atomically. */
    public void write(Path file, List<List<String>> rows) {
        AtomicFiles.writeString(file, format(rows));
    }

    /**
     * Reads every row by column name.
     *
     * @throws InputException naming the file and line when the header lacks a column or a cell is not what
     *     {@code row} expects
     */
    public <T> List<T> read(Path file, Function<Map<String, String>, T> row) {
        try (Reader reader = Files.newBufferedReader(file);
                CSVParser parser = CSVParser.builder()
                        .setReader(reader)
                        .setFormat(
                                format().setHeader().setSkipHeaderRecord(true).get())
                        .get()) {
            Map<String, Integer> header = parser.getHeaderMap() == null ? Map.of() : parser.getHeaderMap();
            List<String> missing = columns.stream()
                    .filter(column -> !header.containsKey(column))
                    .toList();
            if (!missing.isEmpty()) {
                throw new InputException(file + " lacks the column(s) " + missing + " of a " + name + " (header: "
                        + header() + "); is it one?");
            }
            List<T> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                try {
                    rows.add(row.apply(record.toMap()));
                } catch (RuntimeException e) {
                    throw new InputException(
                            file + " line " + (record.getRecordNumber() + 1) + ": " + e.getMessage() + "; is it a "
                                    + name + "?",
                            e);
                }
            }
            return rows;
        } catch (IOException | UncheckedIOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A cell as a number, or why it is not one. */
    public static double number(Map<String, String> row, String column) {
        String cell = cell(row, column);
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " holds '" + cell + "', not a number");
        }
    }

    /** A cell as a whole number, or why it is not one. */
    public static long whole(Map<String, String> row, String column) {
        String cell = cell(row, column);
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " holds '" + cell + "', not a whole number");
        }
    }

    /** A cell that must be present. */
    public static String cell(Map<String, String> row, String column) {
        String cell = row.get(column);
        if (cell == null || cell.isEmpty()) {
            throw new IllegalArgumentException("column " + column + " is empty");
        }
        return cell;
    }

    private static CSVFormat.Builder format() {
        return CSVFormat.RFC4180.builder().setRecordSeparator('\n').setIgnoreEmptyLines(true);
    }
}

package io.hyperprune.runtime.cli;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.experiment.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --levels}: deletion levels in percent, {@code from:to:step} or a comma list. Every level list a
 * command gets is non-empty, increasing, within [0, 100] and at most {@link ExperimentConfig#MAX_LEVELS}
 * long; a range's size is computed before any level is built.
 */
final class Levels {

    private static final String FORMS =
            "from:to:step or a comma list of increasing percentages, e.g. 0:90:10 or 0,50,90";

    private Levels() {}

    static List<Double> parse(String text) {
        String prefix = "--levels " + text;
        List<Double> result = text.contains(":") ? range(text, prefix) : list(text, prefix);
        if (result.isEmpty()) {
            throw new InputException(prefix + " gives no level; give " + FORMS);
        }
        return result;
    }

    private static List<Double> range(String text, String prefix) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new InputException(prefix + " is not " + FORMS);
        }
        double from = number(parts[0], prefix);
        double to = number(parts[1], prefix);
        double step = number(parts[2], prefix);
        percentage(from, prefix);
        percentage(to, prefix);
        if (!(step > 0)) {
            throw new InputException(prefix + ": the step must be positive, e.g. 0:90:10");
        }
        if (from > to) {
            throw new InputException(prefix + " gives no level: from must be <= to, e.g. 0:90:10");
        }
        double count = Math.floor((to - from) / step + 1e-9) + 1; // the tolerance keeps 0:0.3:0.1's last level
        if (count > ExperimentConfig.MAX_LEVELS) {
            String many = count < 1e15 ? String.format(java.util.Locale.ROOT, "%.0f", count) : "over 10^15";
            throw new InputException(prefix + " gives " + many + " levels; at most " + ExperimentConfig.MAX_LEVELS
                    + " (a step of 0.1 %)");
        }
        List<Double> levels = new ArrayList<>();
        for (int i = 0; i < (int) count; i++) {
            // Rounded to 1e-9 so that 0:1:0.1 gives 0.3, not 0.30000000000000004; never past 'to'.
            levels.add(Math.min(to, Math.round((from + i * step) * 1e9) / 1e9));
        }
        return levels;
    }

    private static List<Double> list(String text, String prefix) {
        String[] parts = text.split(",", -1);
        if (parts.length > ExperimentConfig.MAX_LEVELS) {
            throw new InputException(
                    "--levels gives " + parts.length + " levels; at most " + ExperimentConfig.MAX_LEVELS);
        }
        List<Double> levels = new ArrayList<>();
        for (String part : parts) {
            double level = number(part, prefix);
            percentage(level, prefix);
            if (!levels.isEmpty() && level <= levels.get(levels.size() - 1)) {
                throw new InputException(prefix + ": levels must increase (" + levels.get(levels.size() - 1) + " then "
                        + level + "); give them in increasing order, each once, e.g. 0,50,90");
            }
            levels.add(level);
        }
        return levels;
    }

    private static double number(String part, String prefix) {
        try {
            double value = Double.parseDouble(part.trim());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new InputException(prefix + ": '" + part.trim() + "' is not a number; give " + FORMS);
    }

    private static void percentage(double value, String prefix) {
        if (!(value >= 0 && value <= 100)) {
            throw new InputException(prefix + ": " + value + " is not a percentage in [0, 100]");
        }
    }
}

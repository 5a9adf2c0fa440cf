package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Options given to one component (for example {@code pivots=6} for the piecewise hypernetwork),
 * as strings from the command line or a config file, with typed accessors that fail with a message
 * naming the option and the expected form.
 */
public record ComponentOptions(String component, Map<String, String> values) {

    public ComponentOptions {
        requireNonNull(component, "component is null");
        values = Map.copyOf(new TreeMap<>(requireNonNull(values, "values is null")));
    }

    public static ComponentOptions none(String component) {
        return new ComponentOptions(component, Map.of());
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String getString(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public double getDouble(String name, double defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, raw, "a number, e.g. 0.5");
        }
    }

    public int getInt(String name, int defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, raw, "an integer, e.g. 6");
        }
    }

    public long getLong(String name, long defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, raw, "an integer, e.g. 1000");
        }
    }

    /** A comma-separated list of numbers, e.g. {@code 0,0.2,0.5,1}. */
    public Optional<List<Double>> getDoubleList(String name) {
        String raw = values.get(name);
        if (raw == null) {
            return Optional.empty();
        }
        List<Double> result = new ArrayList<>();
        for (String part : raw.split(",")) {
            try {
                result.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw invalid(name, raw, "comma-separated numbers, e.g. 0,0.5,1");
            }
        }
        return Optional.of(List.copyOf(result));
    }

    private InputException invalid(String name, String raw, String expected) {
        return new InputException("option '" + name + "' of component '" + component + "' is '" + raw + "', expected "
                + expected + "; fix it with --option " + component + "." + name + "=<value>");
    }
}

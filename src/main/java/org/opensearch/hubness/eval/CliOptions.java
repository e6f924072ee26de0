package org.opensearch.hubness.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** "--name value" options of one subcommand, checked against the names that subcommand accepts. */
final class CliOptions {

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    CliOptions(String command, String[] args, int from, Set<String> allowed) {
        this.command = command;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument [" + a + "]; options look like --name value");
            }
            String name = a.substring(2);
            if (!allowed.contains(name)) {
                List<String> sorted = new ArrayList<>(allowed);
                sorted.sort(null);
                throw new UsageException(command + ": unknown option --" + name + "; valid options are --"
                    + String.join(", --", sorted));
            }
            if (i + 1 >= args.length) {
                throw new UsageException(command + ": option --" + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException(command + ": missing --" + name);
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    double number(String name, double fallback) {
        String v = values.get(name);
        return v == null ? fallback : parseDouble(name, v);
    }

    int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got [" + v + "]");
        }
    }

    double[] numbers(String name, double[] fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return Arrays.stream(v.split(",")).mapToDouble(s -> parseDouble(name, s)).toArray();
    }

    private double parseDouble(String name, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got [" + v + "]");
        }
    }
}

package org.opensearch.hubness.bank;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reading typed values out of a parsed JSON body, with messages that name the offending key. */
public final class Definitions {

    private Definitions() {}

    static void onlyKeys(String what, Map<String, Object> m, String... allowed) {
        Set<String> unknown = new TreeSet<>(m.keySet());
        unknown.removeAll(Set.of(allowed));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown key(s) " + unknown + " in [" + what + "]; allowed: " + List.of(allowed));
        }
    }

    static String string(String what, Object v) {
        if (!(v instanceof String s) || s.isBlank())
            throw new IllegalArgumentException("[" + what + "] is required and must be a non-empty string");
        return s;
    }

    static int intValue(String what, Object v, int dflt) {
        if (v == null) return dflt;
        if (v instanceof Number n
                && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) return n.intValue();
        throw new IllegalArgumentException("[" + what + "] must be an integer, got [" + v + "]");
    }

    static long longValue(String what, Object v, long dflt) {
        if (v == null) return dflt;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        throw new IllegalArgumentException("[" + what + "] must be an integer, got [" + v + "]");
    }

    static double doubleValue(String what, Object v, double dflt) {
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("[" + what + "] must be a number, got [" + v + "]");
    }

    static float[] vector(String what, Object raw) {
        if (!(raw instanceof List<?> list) || list.isEmpty())
            throw new IllegalArgumentException("[" + what + "] must be a non-empty array of numbers");
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            if (!(list.get(i) instanceof Number n))
                throw new IllegalArgumentException(
                        "[" + what + "][" + i + "] must be a number, got [" + list.get(i) + "]");
            v[i] = n.floatValue();
            if (!Float.isFinite(v[i]))
                throw new IllegalArgumentException("[" + what + "][" + i + "] is not a finite float32 number");
        }
        return v;
    }
}

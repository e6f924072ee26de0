package org.opensearch.hubness.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.StringJoiner;

/** A flat JSON object of numbers; non-finite numbers become null. */
final class Json {

    private Json() {}

    static String object(Map<String, Double> fields) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        fields.forEach((k, v) -> j.add("\"" + k + "\":" + number(v)));
        return j.toString();
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return new BigDecimal(v)
                .setScale(6, RoundingMode.HALF_EVEN)
                .stripTrailingZeros()
                .toPlainString();
    }
}

package org.opensearch.hubness.it;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the numbers the hubness rescorer puts into a hit's explanation. */
public final class Explanations {

    private Explanations() {}

    /** The value of the first explanation node (depth first) whose description starts with prefix, or NaN. */
    public static double value(JsonNode explanation, String prefix) {
        JsonNode node = find(explanation, prefix);
        return node == null ? Double.NaN : node.get("value").asDouble();
    }

    public static JsonNode find(JsonNode explanation, String prefix) {
        if (explanation == null) return null;
        if (explanation.path("description").asText().startsWith(prefix)) return explanation;
        for (JsonNode child : explanation.path("details")) {
            JsonNode found = find(child, prefix);
            if (found != null) return found;
        }
        return null;
    }
}

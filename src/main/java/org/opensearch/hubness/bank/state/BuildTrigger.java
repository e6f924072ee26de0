package org.opensearch.hubness.bank.state;

import java.util.Locale;

/** What started a build, recorded in its ticket and its report: a PUT, a {@code _rebuild}, or the bank's rebuild policy. */
public enum BuildTrigger {
    PUT,
    REBUILD,
    POLICY;

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BuildTrigger fromString(String s) {
        for (BuildTrigger t : values()) if (t.externalName().equals(s)) return t;
        throw new IllegalArgumentException("unknown build trigger [" + s + "]; expected put, rebuild or policy");
    }
}

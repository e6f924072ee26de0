package org.opensearch.hubness.rescore;

import java.util.List;

/** A key the {@code hubness} rescore clause does not take: its own type, so a caller can add advice without reading the text. */
public final class UnknownRescoreParameterException extends IllegalArgumentException {

    UnknownRescoreParameterException(String name, List<String> valid) {
        super("unknown parameter [" + name + "]; valid parameters are " + valid);
    }
}

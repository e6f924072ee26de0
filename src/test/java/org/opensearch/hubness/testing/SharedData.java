/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.testing;

import java.nio.file.Path;

/**
 * Where the tests find the real data sets: the system property {@value #PROPERTY}, which surefire and failsafe set from
 * the Maven property {@code shared.dir} (default {@code ../shared} beside the project; {@code -Dshared.dir=DIR} points
 * elsewhere), else {@code ../shared} from the working directory (a run from an IDE). Every data test reads it here, so
 * one setting moves them all; a test whose data is missing falls back to a fixture or skips through {@link LoudSkip}.
 */
public final class SharedData {

    public static final String PROPERTY = "hubness.shared.dir";

    private SharedData() {}

    /** The folder of one data set, e.g. {@code dataset("flickr8k-tinyclip")}; it may not exist. */
    public static Path dataset(String name) {
        return Path.of(System.getProperty(PROPERTY, "../shared"), "data", name);
    }
}

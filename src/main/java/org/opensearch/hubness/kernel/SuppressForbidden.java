package org.opensearch.hubness.kernel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a use of a forbidden API that is right on purpose (the build's forbidden-APIs check honours any annotation of
 * this name). The pure kernel cannot use OpenSearch's own, so it has this one.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
@interface SuppressForbidden {
    String reason();
}

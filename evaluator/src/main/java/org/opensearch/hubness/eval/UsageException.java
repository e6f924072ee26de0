package org.opensearch.hubness.eval;

/** A mistake in the command line: reported on stderr with exit code 2 and no stack trace. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}

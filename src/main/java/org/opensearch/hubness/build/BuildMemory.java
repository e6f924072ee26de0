/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongBiFunction;
import org.opensearch.common.lease.Releasable;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.VectorSource;

/**
 * The heap a build's coordinating node holds for the bank's two banks (read from their sources, prepared, written to
 * storage and kept in the built version until it is published), reserved in the node's request breaker before any
 * source is read: a bank too big for the node is refused with a 429 instead of exhausting its heap. The rows are an
 * upper bound known before the read. {@link #close} gives the bytes back once; every exit path of a build calls it.
 */
final class BuildMemory implements Releasable {

    /** Nothing reserved: a build whose sources could not be counted fails on its own, with the reason. */
    static final BuildMemory NONE = new BuildMemory(null, 0);

    private final CircuitBreaker breaker;
    private final long bytes;
    private final AtomicBoolean released = new AtomicBoolean();

    private BuildMemory(CircuitBreaker breaker, long bytes) {
        this.breaker = breaker;
        this.bytes = bytes;
    }

    /**
     * Reserves {@link #bytes} of {@code def}'s banks at {@code dimension} floats a row; {@code documents} counts an
     * index's documents with a field. Throws the breaker's refusal (429) naming the bank, the bytes and the setting.
     */
    static BuildMemory reserve(
            CircuitBreaker breaker, BankDefinition def, int dimension, ToLongBiFunction<String, String> documents) {
        long rows = rows(def.queryBank(), def, documents) + rows(def.galleryBank(), def, documents);
        long bytes = 4L * rows * dimension;
        try {
            breaker.addEstimateBytesAndMaybeBreak(bytes, "hubness build of bank [" + def.name() + "]");
        } catch (CircuitBreakingException e) {
            throw new CircuitBreakingException(
                    "the node coordinating the build of bank [" + def.name() + "] has no room for the " + bytes
                            + " bytes of its banks' vectors (" + rows + " rows of " + dimension
                            + " floats) in its [request] circuit breaker (" + e.getMessage()
                            + "); raise indices.breaker.request.limit or use a smaller bank",
                    e.getBytesWanted(),
                    e.getByteLimit(),
                    e.getDurability());
        }
        return new BuildMemory(breaker, bytes);
    }

    /** At most the rows the build will read of one bank: what was posted, else max_size (sample size) or fewer documents, plus the captured max_size. */
    static long rows(VectorSource source, BankDefinition def, ToLongBiFunction<String, String> documents) {
        if (source == null) return 0;
        long captured = source.captured() == null ? 0 : source.captured().maxSize();
        return captured
                + switch (source.kind()) {
                    case VECTORS ->
                        source.vectors() != null
                                ? source.vectors().length
                                : source.posted().count();
                    case SAMPLE ->
                        Math.min(source.sampleSize(), documents.applyAsLong(def.galleryIndex(), def.galleryField()));
                    case INDEX -> Math.min(source.maxSize(), documents.applyAsLong(source.index(), source.field()));
                    case CAPTURED -> 0L;
                };
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (breaker != null && released.compareAndSet(false, true)) breaker.addWithoutBreaking(-bytes);
    }
}

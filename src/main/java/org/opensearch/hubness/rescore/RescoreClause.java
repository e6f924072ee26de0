package org.opensearch.hubness.rescore;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.kernel.FiniteCheck;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;

/**
 * The {@code hubness} clause as the user wrote it, validated: the same checks and messages whether it comes from the
 * DSL ({@link HubnessRescoreParser}), the wire or Java. Null {@code method}, {@code field} and β mean "the bank's";
 * {@code top1} says how the gated methods find the query's top-1 ({@link Top1}, default {@code knn}).
 */
public record RescoreClause(
        String bank,
        float[] queryVector,
        Method method,
        String field,
        Double betaQuery,
        Double betaGallery,
        ScoreMode scoreMode,
        float queryWeight,
        float rescoreQueryWeight,
        Top1 top1)
        implements Writeable {

    public RescoreClause {
        if (bank == null || bank.isEmpty()) {
            throw new IllegalArgumentException(
                    "[hubness] requires [bank]: the name of a bank; " + BankPinning.CREATE_HINT);
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException(
                    "[hubness] requires [query_vector]: the same vector as the knn query, as an array of numbers");
        }
        FiniteCheck.requireFinite(queryVector, "[query_vector]");
        checkBeta(betaQuery, "beta_query");
        checkBeta(betaGallery, "beta_gallery");
        Objects.requireNonNull(scoreMode);
        checkWeight(queryWeight, "query_weight");
        checkWeight(rescoreQueryWeight, "rescore_query_weight");
        Objects.requireNonNull(top1);
    }

    /** The clause with the default top-1 ({@code knn}). */
    public RescoreClause(
            String bank,
            float[] queryVector,
            Method method,
            String field,
            Double betaQuery,
            Double betaGallery,
            ScoreMode scoreMode,
            float queryWeight,
            float rescoreQueryWeight) {
        this(
                bank,
                queryVector,
                method,
                field,
                betaQuery,
                betaGallery,
                scoreMode,
                queryWeight,
                rescoreQueryWeight,
                Top1.KNN);
    }

    /** The clause with only the required parameters: everything else is the bank's or the default. */
    public RescoreClause(String bank, float[] queryVector) {
        this(bank, queryVector, null, null, null, null, ScoreMode.REPLACE, 1f, 1f);
    }

    public static RescoreClause readFrom(StreamInput in) throws IOException {
        return new RescoreClause(
                in.readString(),
                in.readFloatArray(),
                in.readBoolean() ? Method.fromString(in.readString()) : null, // as writeOptionalString wrote it
                in.readOptionalString(),
                in.readOptionalDouble(),
                in.readOptionalDouble(),
                ScoreMode.fromString(in.readString()),
                in.readFloat(),
                in.readFloat(),
                Top1.fromString(in.readString()));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(bank);
        out.writeFloatArray(queryVector);
        out.writeOptionalString(method == null ? null : method.externalName());
        out.writeOptionalString(field);
        out.writeOptionalDouble(betaQuery);
        out.writeOptionalDouble(betaGallery);
        out.writeString(scoreMode.externalName());
        out.writeFloat(queryWeight);
        out.writeFloat(rescoreQueryWeight);
        out.writeString(top1.externalName());
    }

    private static void checkBeta(Double beta, String name) {
        if (beta == null) return;
        try {
            NormParams.requireBeta(beta, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; leave it out to use the bank's value");
        }
    }

    private static void checkWeight(float w, String name) {
        if (!Float.isFinite(w) || w < 0) {
            throw new IllegalArgumentException("[" + name + "] must be a finite number >= 0, got " + w
                    + "; negative weights would let rescored hits fall below the rest");
        }
    }

    // a record compares arrays by reference: the query vector is compared by content

    @Override
    public boolean equals(Object o) {
        return o instanceof RescoreClause c
                && bank.equals(c.bank)
                && Arrays.equals(queryVector, c.queryVector)
                && method == c.method
                && Objects.equals(field, c.field)
                && Objects.equals(betaQuery, c.betaQuery)
                && Objects.equals(betaGallery, c.betaGallery)
                && scoreMode == c.scoreMode
                && Float.compare(queryWeight, c.queryWeight) == 0
                && Float.compare(rescoreQueryWeight, c.rescoreQueryWeight) == 0
                && top1 == c.top1;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                bank,
                Arrays.hashCode(queryVector),
                method,
                field,
                betaQuery,
                betaGallery,
                scoreMode,
                queryWeight,
                rescoreQueryWeight,
                top1);
    }

    @Override
    public String toString() {
        return "RescoreClause[bank=" + bank + ", dimension=" + queryVector.length + ", method=" + method + ", field="
                + field + ", top1=" + top1.externalName() + "]";
    }
}

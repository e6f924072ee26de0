/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * What every copy needs to run the pass: the version being built and where its prepared banks are. The vectors
 * themselves are not in the message (a bank of 200 000 × 768 is 600 MB): each copy reads them from {@code
 * .hubness-banks}, a few chunks per request, under the request breaker, and checks {@code vectorsDigest}.
 */
public record PassSpec(
        String bank,
        long version,
        String buildId,
        String index,
        String field,
        int dimension,
        Similarity similarity,
        NormParams params,
        int reportRows,
        int stepRows,
        int queryBankSize,
        int galleryBankSize,
        String vectorsDigest)
        implements Writeable {

    public PassSpec(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readVLong(),
                in.readString(),
                in.readString(),
                in.readString(),
                in.readVInt(),
                in.readEnum(Similarity.class),
                readParams(in),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(bank);
        out.writeVLong(version);
        out.writeString(buildId);
        out.writeString(index);
        out.writeString(field);
        out.writeVInt(dimension);
        out.writeEnum(similarity);
        Map<String, Number> p = new LinkedHashMap<>();
        params.writeTo(p::put);
        out.writeMap(p, StreamOutput::writeString, (o, v) -> o.writeDouble(v.doubleValue()));
        out.writeVInt(reportRows);
        out.writeVInt(stepRows);
        out.writeVInt(queryBankSize);
        out.writeVInt(galleryBankSize);
        out.writeString(vectorsDigest);
    }

    private static NormParams readParams(StreamInput in) throws IOException {
        Map<String, Double> p = in.readMap(StreamInput::readString, StreamInput::readDouble);
        return NormParams.readFrom(p::get);
    }

    /** Heap the two banks take on a node running the pass: reserved in the breaker before they are read. */
    public long vectorBytes() {
        return 4L * ((long) queryBankSize + galleryBankSize) * dimension;
    }

    /** The version as the node's cache keys it (its activation sets are what the build is computing). */
    LoadedBank asBuilding(float[] queryBank, float[] galleryBank) {
        return new LoadedBank(
                bank,
                version,
                buildId,
                index,
                field,
                dimension,
                similarity,
                params,
                queryBank,
                queryBankSize,
                galleryBank,
                galleryBankSize,
                Set.of(),
                Set.of(),
                null,
                null);
    }

    public GalleryPass pass(float[] queryBank, float[] galleryBank) {
        return new GalleryPass(
                similarity,
                new BankMatrix(queryBank, queryBankSize, dimension),
                new BankMatrix(galleryBank, galleryBankSize, dimension),
                params,
                reportRows,
                DotPrecision.FLOAT);
    }
}

package org.opensearch.hubness.field;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.opensearch.common.cache.Cache;
import org.opensearch.common.cache.CacheBuilder;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.query.QueryShardContext;

/**
 * The node's verdicts on the fields the rescorer reads, one per index, field and mapping version: rendering a field's
 * mapping costs more than a rescore, and a mapping only changes with a new mapping version. Bounded (least recently
 * used entries go first), owned by the node's plugin services.
 */
public final class FieldSpecCache {

    static final int MAX_ENTRIES = 10_000;

    private record Key(String indexUuid, String field, long mappingVersion) {}

    /** A field's verdict: the spec, or the refusal to repeat. */
    private record Verdict(VectorFieldSpec spec, String refusal) {}

    private final Cache<Key, Verdict> verdicts =
            CacheBuilder.<Key, Verdict>builder().setMaximumWeight(MAX_ENTRIES).build();

    /**
     * The spec of field in the shard's index.
     *
     * @throws IllegalArgumentException (a 400) when the field is missing, not a knn_vector, or refused by
     *                                  {@link VectorFieldValidator}
     */
    public VectorFieldSpec forShard(QueryShardContext context, String field) {
        String index = context.index().getName();
        MappedFieldType type = context.fieldMapper(field);
        if (type == null) {
            throw new IllegalArgumentException("[hubness] field [" + field + "] does not exist in index [" + index
                    + "]; set [field] to the knn_vector field holding the gallery vectors");
        }
        if (!"knn_vector".equals(type.typeName())) {
            throw new IllegalArgumentException(
                    "[hubness] field [" + field + "] in index [" + index + "] is of type [" + type.typeName()
                            + "], not knn_vector; set [field] to the knn_vector field holding the gallery vectors");
        }
        Key key = new Key(
                context.index().getUUID(),
                field,
                context.getIndexSettings().getIndexMetadata().getMappingVersion());
        Verdict verdict;
        try {
            verdict = verdicts.computeIfAbsent(key, k -> judge(context, index, field));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "could not read the mapping of field [" + field + "] in index [" + index + "]", e.getCause());
        }
        if (verdict.refusal() != null) throw new IllegalArgumentException(verdict.refusal());
        return verdict.spec();
    }

    /** Entries held (for tests and stats). */
    public int size() {
        return verdicts.count();
    }

    private static Verdict judge(QueryShardContext context, String index, String field) throws IOException {
        boolean indexKnn = context.getIndexSettings().getSettings().getAsBoolean("index.knn", false);
        try {
            return new Verdict(
                    VectorFieldValidator.validate(index, field, renderMapping(context, field), indexKnn), null);
        } catch (IllegalArgumentException e) {
            return new Verdict(null, e.getMessage());
        }
    }

    /** The field's mapping as k-NN renders it (type, dimension, data_type, mode, method, ...). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> renderMapping(QueryShardContext context, String field) throws IOException {
        var documentMapper = context.getMapperService().documentMapper();
        Mapper mapper = documentMapper == null ? null : documentMapper.mappers().getMapper(field);
        if (mapper == null) return Map.of();
        XContentBuilder builder = XContentFactory.jsonBuilder().startObject();
        mapper.toXContent(builder, ToXContent.EMPTY_PARAMS);
        builder.endObject();
        Map<String, Object> map = XContentHelper.convertToMap(BytesReference.bytes(builder), false, XContentType.JSON)
                .v2();
        if (map.size() == 1 && map.values().iterator().next() instanceof Map<?, ?> inner)
            return (Map<String, Object>) inner;
        return map;
    }
}

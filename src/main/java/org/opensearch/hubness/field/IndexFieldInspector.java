package org.opensearch.hubness.field;

import java.util.Map;
import org.opensearch.action.admin.indices.mapping.get.GetMappingsResponse;
import org.opensearch.action.admin.indices.settings.get.GetSettingsResponse;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.transport.client.Client;

/** Reads a field's mapping through the admin client (for the bank build) and judges it with {@link VectorFieldValidator}. */
public final class IndexFieldInspector {

    private IndexFieldInspector() {}

    /** Blocking: call it from the build thread pool only. */
    @SuppressWarnings("unchecked")
    public static VectorFieldSpec inspect(Client client, String index, String field) {
        GetMappingsResponse mappings;
        GetSettingsResponse settings;
        try {
            mappings = client.admin().indices().prepareGetMappings(index).get();
            settings = client.admin().indices().prepareGetSettings(index).get();
        } catch (IndexNotFoundException e) {
            throw new IllegalArgumentException(
                    "index [" + index + "] does not exist; create and fill it before building a bank on it", e);
        }
        if (mappings.mappings().isEmpty())
            throw new IllegalArgumentException("index [" + index + "] does not exist or has no mapping");
        if (mappings.mappings().size() > 1) {
            throw new IllegalArgumentException("[" + index + "] resolves to "
                    + mappings.mappings().size() + " indices; a bank needs exactly one index");
        }
        String concrete = mappings.mappings().keySet().iterator().next();
        MappingMetadata mapping = mappings.mappings().get(concrete);
        Map<String, Object> props = mapping == null
                ? null
                : (Map<String, Object>) mapping.sourceAsMap().get("properties");
        Map<String, Object> def = null;
        String[] path = field.split("\\.");
        for (int i = 0; i < path.length && props != null; i++) {
            def = (Map<String, Object>) props.get(path[i]);
            props = def == null ? null : (Map<String, Object>) def.get("properties");
        }
        boolean indexKnn = settings.getIndexToSettings().get(concrete).getAsBoolean("index.knn", false);
        return VectorFieldValidator.validate(concrete, field, def, indexKnn);
    }
}

package org.opensearch.hubness.rescore;

import org.junit.jupiter.api.Test;
import org.opensearch.common.settings.Setting;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.rest.RestHubnessAction;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.rest.RestHandler;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md documents every REST route, every rescore parameter, every method and every setting. */
class ApiDocsCompletenessTests {

    private static String apiDoc() throws Exception {
        return Files.readString(Path.of("docs/api.md"));
    }

    @Test
    void everyRouteIsDocumented() throws Exception {
        String doc = apiDoc();
        for (RestHandler.Route route : new RestHubnessAction().routes()) {
            String line = "`" + route.getMethod().name() + " " + route.getPath() + "`";
            assertTrue(doc.contains(line), "docs/api.md does not document " + line);
        }
    }

    @Test
    void everyRescoreParameterAndMethodIsDocumented() throws Exception {
        String doc = apiDoc();
        for (String p : HubnessRescoreParser.PARAMETERS) {
            assertTrue(doc.contains("| `" + p + "` |"), "docs/api.md has no table row for rescore parameter [" + p + "]");
        }
        for (Method m : Method.values()) {
            assertTrue(doc.contains("`" + m.externalName() + "`"), "docs/api.md does not name method [" + m.externalName() + "]");
        }
    }

    @Test
    void everySettingIsDocumented() throws Exception {
        String doc = apiDoc();
        for (Setting<?> s : HubnessSettings.all()) {
            assertTrue(doc.contains("| `" + s.getKey() + "` |"), "docs/api.md has no table row for setting [" + s.getKey() + "]");
        }
    }
}

package org.opensearch.hubness.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.HubnessPlugin;
import org.opensearch.plugins.ActionPlugin;

/** Security roles grant actions by name: docs/api.md's permissions table names every action the plugin registers. */
class ActionNamesDocumentedTests {

    @Test
    void everyRegisteredActionIsInThePermissionsTable() throws Exception {
        String doc = Files.readString(Path.of("docs/api.md"));
        String table = doc.substring(doc.indexOf("## Permissions"));
        List<String> names = new HubnessPlugin()
                .getActions().stream()
                        .map(ActionPlugin.ActionHandler::getAction)
                        .map(a -> a.name())
                        .toList();
        assertFalse(names.isEmpty());
        for (String name : names) {
            assertTrue(
                    name.startsWith("cluster:admin/hubness/"),
                    name + " is outside cluster:admin/hubness/*, so the documented roles miss it");
            assertTrue(
                    table.contains("`" + name + "`"), "docs/api.md's permissions table does not name action " + name);
        }
    }
}

package org.opensearch.hubness;

import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;

/** Entry point of the opensearch-hubness plugin: registers the hubness rescorer and the bank admin API. */
public class HubnessPlugin extends Plugin implements SearchPlugin {
}

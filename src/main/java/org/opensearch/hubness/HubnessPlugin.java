package org.opensearch.hubness;

import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;

import java.util.List;

/** Entry point of the opensearch-hubness plugin: registers the hubness rescorer and the bank admin API. */
public class HubnessPlugin extends Plugin implements SearchPlugin {

    private final HubnessServices services = new HubnessServices();

    @Override
    public List<RescorerSpec<?>> getRescorers() {
        return List.of(new RescorerSpec<>(HubnessRescorerBuilder.NAME, in -> new HubnessRescorerBuilder(in, services),
            parser -> HubnessRescorerBuilder.fromXContent(parser, services)));
    }
}

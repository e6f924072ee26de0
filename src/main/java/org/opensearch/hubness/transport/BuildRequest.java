package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.hubness.bank.state.BuildTicket;

/** A request that starts a build (PUT, _rebuild): the bank, and whether anyone waits for the outcome. */
public abstract class BuildRequest extends ActionRequest {

    private final String bank;
    private final boolean background;
    /** Local only (never serialised): told when the cluster manager has recorded the build, for the 202. */
    private transient ActionListener<BuildTicket> started;

    protected BuildRequest(String bank, boolean background) {
        this.bank = bank;
        this.background = background;
    }

    protected BuildRequest(StreamInput in) throws IOException {
        super(in);
        bank = in.readString();
        background = in.readBoolean();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(bank);
        out.writeBoolean(background);
    }

    public String bank() {
        return bank;
    }

    public boolean background() {
        return background;
    }

    public ActionListener<BuildTicket> started() {
        return started;
    }

    public BuildRequest onStarted(ActionListener<BuildTicket> listener) {
        this.started = listener;
        return this;
    }

    /** A background build keeps its outcome (the bank's status or the error) for GET _tasks/{task}. */
    @Override
    public boolean getShouldStoreResult() {
        return background;
    }

    @Override
    public ActionRequestValidationException validate() {
        return null;
    }

    @Override
    public String getDescription() {
        return "hubness bank [" + bank + "]";
    }
}

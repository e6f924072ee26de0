package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.Map;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.build.BuildTask;
import org.opensearch.tasks.Task;

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

    /** A background build's task keeps a result for GET _tasks/{task}: only {@link #forTask}'s pointer to the bank. */
    @Override
    public boolean getShouldStoreResult() {
        return background;
    }

    /**
     * The listener of the action's outcome. A background build's outcome is stored as its task's result, which anyone
     * with cluster:monitor/task/get may read (task ids are sequential): it keeps the bank's name and where to read the
     * outcome, GET /_plugins/_hubness/banks/{name} (cluster:admin/hubness/bank/get), and no bank content or failure text.
     */
    public ActionListener<BankResponse> forTask(ActionListener<BankResponse> listener) {
        if (!background) return listener;
        return ActionListener.wrap(
                done -> listener.onResponse(BankResponse.pointer(bank)),
                e -> listener.onFailure(new OpenSearchStatusException(
                        "the build of bank [" + bank + "] did not complete; " + BankResponse.outcomeRoute(bank)
                                + " shows the bank's state and failure if the build was recorded",
                        ExceptionsHelper.status(e))));
    }

    @Override
    public ActionRequestValidationException validate() {
        return null;
    }

    /** Cancellable: {@code _tasks/_cancel} stops the build and every shard pass it started. */
    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new BuildTask(id, type, action, getDescription(), parentTaskId, headers);
    }

    @Override
    public String getDescription() {
        return "hubness bank [" + bank + "]";
    }
}

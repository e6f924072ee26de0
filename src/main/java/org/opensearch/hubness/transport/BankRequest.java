package org.opensearch.hubness.transport;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.tasks.Task;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/** A request on one bank (or, with no name, on all): the bank name and the parsed JSON body, if any. */
public final class BankRequest extends ActionRequest {

    private final String name;
    private final Map<String, Object> body;
    private final boolean background;
    /** Told when the action runs, past the action filters (the security plugin's checks); local only, never sent. */
    private Consumer<Task> onStart = task -> {};

    public BankRequest(String name, Map<String, Object> body) {
        this(name, body, false);
    }

    /** background: nobody waits for the answer (wait_for_completion=false), so an outcome must stay in the bank's state. */
    public BankRequest(String name, Map<String, Object> body, boolean background) {
        this.name = name;
        this.body = body;
        this.background = background;
    }

    public BankRequest(StreamInput in) throws IOException {
        super(in);
        name = in.readOptionalString();
        body = in.readBoolean() ? in.readMap() : null;
        background = in.readBoolean();
    }

    public String name() {
        return name;
    }

    public Map<String, Object> body() {
        return body;
    }

    public boolean background() {
        return background;
    }

    public BankRequest onStart(Consumer<Task> onStart) {
        this.onStart = onStart;
        return this;
    }

    void started(Task task) {
        onStart.accept(task);
    }

    /** A background build keeps its outcome (the bank's status or the error) for GET _tasks/{task}. */
    @Override
    public boolean getShouldStoreResult() {
        return background;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(name);
        out.writeBoolean(body != null);
        if (body != null) out.writeMap(body);
        out.writeBoolean(background);
    }

    @Override
    public ActionRequestValidationException validate() {
        return null;
    }

    @Override
    public String getDescription() {
        return "hubness bank [" + (name == null ? "*" : name) + "]";
    }
}

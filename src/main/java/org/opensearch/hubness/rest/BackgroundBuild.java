package org.opensearch.hubness.rest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.transport.BankResponse;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.tasks.Task;
import org.opensearch.tasks.TaskListener;

/**
 * The 202 of a build nobody waits for (wait_for_completion=false), as _reindex answers: sent once the cluster manager
 * has recorded the build (so a GET right after it says [building], and a missing bank or a running build is a 404 or
 * 409 instead), with the task to follow (GET _tasks/{task} says when it ended and points to GET of the bank, where the
 * outcome is read). A refusal before the build is recorded (the security plugin's 403 for a user without the action, a
 * malformed body, a source the caller does not see whole) is the answer too. The channel gets exactly one answer;
 * after the 202, the build's own outcome goes only to its task.
 */
final class BackgroundBuild implements ActionListener<BuildTicket> {

    /** The build's outcome goes to its task; only a failure before the 202 (e.g. refused by the action filters) is the answer. */
    TaskListener<BankResponse> outcome() {
        return new TaskListener<>() {
            @Override
            public void onResponse(Task t, BankResponse response) {}

            @Override
            public void onFailure(Task t, Exception e) {
                BackgroundBuild.this.onFailure(e);
            }
        };
    }

    private final RestChannel channel;
    private final String bank;
    private final String nodeId;
    private final CompletableFuture<Task> task = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();

    BackgroundBuild(RestChannel channel, String bank, String nodeId) {
        this.channel = channel;
        this.bank = bank;
        this.nodeId = nodeId;
    }

    void taskStarted(Task t) {
        task.complete(t);
    }

    @Override
    public void onResponse(BuildTicket ticket) {
        if (!answered.compareAndSet(false, true)) return;
        task.thenAccept(t -> {
            try {
                XContentBuilder body = channel.newBuilder()
                        .startObject()
                        .field("acknowledged", true)
                        .field("bank", bank)
                        .field("version", ticket.version())
                        .field("task", nodeId + ":" + t.getId())
                        .endObject();
                channel.sendResponse(new BytesRestResponse(RestStatus.ACCEPTED, body));
            } catch (Exception e) {
                send(e);
            }
        });
    }

    @Override
    public void onFailure(Exception e) {
        if (answered.compareAndSet(false, true)) send(e);
    }

    private void send(Exception e) {
        try {
            channel.sendResponse(new BytesRestResponse(channel, e));
        } catch (Exception ignored) {
            // the channel is gone; the bank (GET) says how the build ended
        }
    }
}

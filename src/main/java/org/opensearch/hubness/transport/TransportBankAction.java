package org.opensearch.hubness.transport;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.hubness.HubnessPlugin;
import org.opensearch.hubness.bank.BankService;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.util.Map;

/**
 * Runs a bank action off the transport thread: builds go to the plugin's build pool (one at a time per node), the
 * quick reads to the generic pool, because every bank operation reads or writes the bank index synchronously.
 */
public abstract class TransportBankAction extends HandledTransportAction<BankRequest, JsonResponse> {

    protected final BankService banks;
    private final ThreadPool threadPool;
    private final String executor;

    protected TransportBankAction(BankAction action, TransportService transport, ActionFilters filters, BankService banks,
                                  ThreadPool threadPool, String executor) {
        super(action.name(), transport, filters, BankRequest::new);
        this.banks = banks;
        this.threadPool = threadPool;
        this.executor = executor;
    }

    @Override
    protected void doExecute(Task task, BankRequest request, ActionListener<JsonResponse> listener) {
        request.started(task);
        threadPool.executor(executor).execute(() -> {
            try {
                listener.onResponse(new JsonResponse(run(request)));
            } catch (Exception e) {
                listener.onFailure(e);
            }
        });
    }

    protected abstract Map<String, Object> run(BankRequest request);

    public static final class Put extends TransportBankAction {
        @Inject
        public Put(TransportService t, ActionFilters f, BankService b, ThreadPool p) {
            super(BankAction.PUT, t, f, b, p, HubnessPlugin.BUILD_POOL);
        }

        @Override
        protected Map<String, Object> run(BankRequest r) {
            return banks.create(r.name(), r.body(), r.background());
        }
    }

    public static final class Rebuild extends TransportBankAction {
        @Inject
        public Rebuild(TransportService t, ActionFilters f, BankService b, ThreadPool p) {
            super(BankAction.REBUILD, t, f, b, p, HubnessPlugin.BUILD_POOL);
        }

        @Override
        protected Map<String, Object> run(BankRequest r) {
            return banks.rebuild(r.name());
        }
    }

    public static final class Get extends TransportBankAction {
        @Inject
        public Get(TransportService t, ActionFilters f, BankService b, ThreadPool p) {
            super(BankAction.GET, t, f, b, p, ThreadPool.Names.GENERIC);
        }

        @Override
        protected Map<String, Object> run(BankRequest r) {
            return r.name() == null ? banks.list() : banks.describe(r.name());
        }
    }

    public static final class Delete extends TransportBankAction {
        @Inject
        public Delete(TransportService t, ActionFilters f, BankService b, ThreadPool p) {
            super(BankAction.DELETE, t, f, b, p, ThreadPool.Names.GENERIC);
        }

        @Override
        protected Map<String, Object> run(BankRequest r) {
            return banks.delete(r.name());
        }
    }
}

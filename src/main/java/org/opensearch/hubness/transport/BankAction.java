package org.opensearch.hubness.transport;

import org.opensearch.action.ActionType;

/** The admin actions on banks; security layers grant or deny them by these names. */
public final class BankAction extends ActionType<JsonResponse> {

    public static final BankAction PUT = new BankAction("cluster:admin/hubness/bank/put");
    public static final BankAction REBUILD = new BankAction("cluster:admin/hubness/bank/rebuild");
    public static final BankAction GET = new BankAction("cluster:admin/hubness/bank/get");
    public static final BankAction DELETE = new BankAction("cluster:admin/hubness/bank/delete");

    private BankAction(String name) {
        super(name, JsonResponse::new);
    }
}

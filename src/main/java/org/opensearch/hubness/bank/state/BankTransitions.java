package org.opensearch.hubness.bank.state;

import java.util.Set;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankDefinition;

/**
 * The bank state machine: every change the cluster manager makes to {@link HubnessMetadata}, as pure functions,
 * run inside cluster-state update tasks so they are serialised. PUT creates a bank in {@code building}; a rebuild
 * moves it to {@code building} unless a build runs (409); a build ends as published or failed only if its build id
 * is still the bank's running build, so a build that a DELETE (or a newer PUT) overtook can never publish.
 */
public final class BankTransitions {

    private BankTransitions() {}

    public static String createHint(String name) {
        return "create it with PUT /_plugins/_hubness/banks/" + name;
    }

    public static HubnessMetadata create(
            HubnessMetadata m,
            String name,
            BankDefinition definition,
            String buildId,
            String nodeId,
            String ephemeralId,
            long now) {
        if (m.bank(name) != null) {
            throw new IllegalArgumentException(
                    "bank [" + name + "] already exists; rebuild it with POST /_plugins/_hubness/banks/" + name
                            + "/_rebuild, or DELETE it first to change its definition");
        }
        BankRecord fresh = new BankRecord(name, definition, BankState.BUILDING, null, null, null, null, 0, null);
        return m.with(fresh.withBuild(new BuildTicket(1, buildId, nodeId, ephemeralId, now, BuildTrigger.PUT)));
    }

    /**
     * Starts a rebuild that {@code trigger} asked for (a {@code _rebuild}, or the bank's rebuild policy); a build whose
     * node is no longer in the cluster (by ephemeral id: a restarted node lost its build) does not block it, as it can
     * never finish.
     */
    public static HubnessMetadata rebuild(
            HubnessMetadata m,
            String name,
            String buildId,
            String nodeId,
            String ephemeralId,
            long now,
            Set<String> liveEphemeralIds,
            BuildTrigger trigger) {
        BankRecord b = require(m, name);
        if (b.build() != null && liveEphemeralIds.contains(b.build().nodeEphemeralId())) {
            throw new OpenSearchStatusException(
                    "bank [" + name + "] is already building version "
                            + b.build().version() + " on node [" + b.build().nodeId()
                            + "]; wait for it (GET /_plugins/_hubness/banks/" + name + ")",
                    RestStatus.CONFLICT);
        }
        return m.with(b.withBuild(new BuildTicket(b.lastVersion() + 1, buildId, nodeId, ephemeralId, now, trigger)));
    }

    /** Whether the build is still the bank's running build (the bank was not deleted, re-created or taken over). */
    public static boolean isCurrentBuild(HubnessMetadata m, String name, String buildId) {
        BankRecord b = m.bank(name);
        return b != null && b.build() != null && b.build().buildId().equals(buildId);
    }

    /** Makes a finished build serve; the serving version becomes the previous one. Unchanged if the build was overtaken. */
    public static HubnessMetadata publish(HubnessMetadata m, String name, String buildId, BankVersion version) {
        if (!isCurrentBuild(m, name, buildId)) return m;
        return m.with(m.bank(name).published(version));
    }

    /** Records a failed build; the serving version (if any) keeps serving. Unchanged if the build was overtaken. */
    public static HubnessMetadata fail(HubnessMetadata m, String name, String buildId, BankFailure failure) {
        if (!isCurrentBuild(m, name, buildId)) return m;
        return m.with(m.bank(name).failed(failure));
    }

    /** Removes a bank whose first build found its definition invalid while the caller waited: nothing ever served. */
    public static HubnessMetadata abandon(HubnessMetadata m, String name, String buildId, BankFailure failure) {
        if (!isCurrentBuild(m, name, buildId)) return m;
        if (m.bank(name).serving() != null) return fail(m, name, buildId, failure);
        return m.without(name);
    }

    /**
     * Records a rebuild policy's check; unchanged if the bank was deleted, or a later check is recorded already (a
     * check of a cluster manager that lost its role while it counted must not hide its successor's).
     */
    public static HubnessMetadata recordPolicyCheck(HubnessMetadata m, String name, PolicyCheck check) {
        BankRecord b = m.bank(name);
        if (b == null || b.definition().rebuildPolicy() == null) return m;
        if (b.policyCheck() != null && b.policyCheck().checkedAt() > check.checkedAt()) return m;
        return m.with(b.checked(check));
    }

    public static HubnessMetadata delete(HubnessMetadata m, String name) {
        require(m, name);
        return m.without(name);
    }

    /**
     * Fails every build whose node (by ephemeral id) is not in the cluster: it will never finish, and the bank must
     * stay rebuildable.
     */
    public static HubnessMetadata failBuildsOfDepartedNodes(
            HubnessMetadata m, Set<String> presentEphemeralIds, long now) {
        HubnessMetadata out = m;
        for (BankRecord b : m.banks().values()) {
            if (b.build() == null || presentEphemeralIds.contains(b.build().nodeEphemeralId())) continue;
            out = out.with(b.failed(new BankFailure(
                    b.build().version(),
                    "NodeLeftException",
                    "the build was interrupted: node [" + b.build().nodeId() + "] left the cluster; rebuild the bank",
                    now)));
        }
        return out;
    }

    public static BankRecord require(HubnessMetadata m, String name) {
        BankRecord b = m.bank(name);
        if (b == null) throw new ResourceNotFoundException("no bank [" + name + "]; " + createHint(name));
        return b;
    }
}

package vigil.server.findings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * What people do to findings: mute (until a time or for good), unmute, assign, and the history of those changes and
 * of the scans' (each an event). A mute's expiry takes effect at the finding's next scan ({@link FindingWriter}).
 */
public final class Triage {
    private final Jdbi jdbi;
    private final Clock clock;

    public Triage(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Mutes a finding of {@code orgId}; false when the organization has no such finding. */
    public boolean mute(String orgId, String findingId, String reason, @Nullable Long until, String actor) {
        return transition(orgId, findingId, "muted", reason, until, actor);
    }

    public boolean unmute(String orgId, String findingId, String actor) {
        return transition(orgId, findingId, "open", null, null, actor);
    }

    /**
     * Mutes ({@code to = muted}, from open or muted) or unmutes ({@code to = open}, from muted) one finding, keeping
     * the counts; the update names the status it read, so of two racing changes only one counts.
     */
    private boolean transition(
            String orgId, String findingId, String to, @Nullable String reason, @Nullable Long until, String actor) {
        return jdbi.inTransaction(handle -> transition(handle, orgId, findingId, to, reason, until, actor));
    }

    /**
     * {@link #mute} in the caller's transaction: a wing whose findings have a life cycle of their own keeps their
     * status with it (an archived threat signal is a muted finding, ADR 0046).
     */
    public boolean mute(
            Handle handle, String orgId, String findingId, String reason, @Nullable Long until, String actor) {
        return transition(handle, orgId, findingId, "muted", reason, until, actor);
    }

    /** {@link #unmute} in the caller's transaction. */
    public boolean unmute(Handle handle, String orgId, String findingId, String actor) {
        return transition(handle, orgId, findingId, "open", null, null, actor);
    }

    private boolean transition(
            Handle handle,
            String orgId,
            String findingId,
            String to,
            @Nullable String reason,
            @Nullable Long until,
            String actor) {
        long now = clock.millis();
        {
            record Current(String status, int rank, String category) {}
            Optional<Current> current = handle.createQuery("SELECT status, severity_rank, category FROM findings"
                            + " WHERE org_id = :org AND id = :id")
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .map((rs, ctx) -> new Current(rs.getString(1), rs.getInt(2), rs.getString(3)))
                    .findOne();
            boolean allowed = current.isPresent()
                    && (to.equals("muted")
                            ? !current.get().status().equals("resolved")
                            : current.get().status().equals("muted"));
            if (!allowed) {
                return false;
            }
            int changed = handle.createUpdate("UPDATE findings SET status = :to, muted_reason = :reason, muted_until ="
                            + " :until WHERE org_id = :org AND id = :id AND status = :from")
                    .bind("to", to)
                    .bind("reason", reason == null ? null : FindingSql.truncate(reason, 1000))
                    .bind("until", until)
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .bind("from", current.get().status())
                    .execute();
            if (changed == 0) {
                return false;
            }
            StatusCounts counts = new StatusCounts(orgId, current.get().category());
            counts.add(current.get().status(), current.get().rank(), -1);
            counts.add(to, current.get().rank(), 1);
            counts.apply(handle);
            event(handle, orgId, findingId, now, to.equals("muted") ? "muted" : "unmuted", actor, reason);
            return true;
        }
    }

    /**
     * Assigns a finding to a user of the same organization (null clears it); false when the organization has no
     * such finding or no such user.
     */
    public boolean assign(String orgId, String findingId, @Nullable String assignee, String actor) {
        long now = clock.millis();
        return jdbi.inTransaction(handle -> {
            if (assignee != null) {
                boolean member =
                        handle.createQuery("SELECT COUNT(*) FROM users WHERE org_id = :org AND email =" + " :email")
                                        .bind("org", orgId)
                                        .bind("email", assignee.toLowerCase(java.util.Locale.ROOT))
                                        .mapTo(Long.class)
                                        .one()
                                > 0;
                if (!member) {
                    return false;
                }
            }
            int changed = handle.createUpdate(
                            "UPDATE findings SET assignee = :assignee WHERE org_id = :org AND id = :id")
                    .bind("assignee", assignee == null ? null : assignee.toLowerCase(java.util.Locale.ROOT))
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .execute();
            if (changed > 0) {
                event(
                        handle,
                        orgId,
                        findingId,
                        now,
                        assignee == null ? "unassigned" : "assigned",
                        actor,
                        assignee == null ? null : assignee.toLowerCase(java.util.Locale.ROOT));
            }
            return changed > 0;
        });
    }

    /** One event of a finding's history: when, what ({@code opened}, {@code muted}, ...), by whom, and a detail. */
    public record Event(
            java.time.Instant at,
            String kind,
            @Nullable String actor,
            @Nullable String detail) {}

    /** A finding's history, oldest first; empty when the organization has no such finding. */
    public Optional<List<Event>> history(String orgId, String findingId) {
        return jdbi.withHandle(handle -> {
            boolean exists = handle.createQuery("SELECT COUNT(*) FROM findings WHERE org_id = :org AND id = :id")
                            .bind("org", orgId)
                            .bind("id", findingId)
                            .mapTo(Long.class)
                            .one()
                    > 0;
            if (!exists) {
                return Optional.empty();
            }
            List<Event> events = new ArrayList<>();
            long firstSeen = handle.createQuery("SELECT first_seen FROM findings WHERE org_id = :org AND id = :id")
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .mapTo(Long.class)
                    .one();
            events.add(new Event(java.time.Instant.ofEpochMilli(firstSeen), "opened", null, null));
            handle.createQuery("SELECT at, kind, actor, detail FROM finding_events WHERE org_id = :org AND"
                            + " finding_id = :id ORDER BY at")
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .map((rs, ctx) -> new Event(
                            java.time.Instant.ofEpochMilli(rs.getLong(1)),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4)))
                    .forEach(events::add);
            return Optional.of(events);
        });
    }

    private static void event(
            Handle handle,
            String orgId,
            String findingId,
            long at,
            String kind,
            @Nullable String actor,
            @Nullable String detail) {
        handle.createUpdate("INSERT INTO finding_events (org_id, finding_id, at, kind, actor, detail)"
                        + " VALUES (:org, :id, :at, :kind, :actor, :detail)")
                .bind("org", orgId)
                .bind("id", findingId)
                .bind("at", at)
                .bind("kind", kind)
                .bind("actor", actor)
                .bind("detail", detail == null ? null : FindingSql.truncate(detail, 2000))
                .execute();
    }
}

package vigil.server.intake;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import vigil.model.Inventory;
import vigil.model.Target;
import vigil.model.batch.Source;

/**
 * Which intake API key may write an agent's or an image's state (ADR 0015): the key that first sent it. The binding is
 * made by the table's primary key (insert if absent, then read who holds it), so of two keys registering one new id
 * at once exactly one wins. A binding whose key was revoked passes to the next key that sends (rotation: the host
 * gets a new key and goes on); an administrator can release a binding so that another active key may take it.
 */
public final class Bindings {
    private final Jdbi jdbi;

    public Bindings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The subject an agent id is bound as. */
    public static String agent(String agentId) {
        return "agent:" + agentId;
    }

    /**
     * What a batch writes that a key must hold, in a fixed order (two batches claiming the same two subjects lock
     * them in the same order): its agent, and its images. Other resources are named after the agent id already.
     */
    static List<String> subjects(Source source, List<Inventory> inventories) {
        TreeSet<String> subjects = new TreeSet<>();
        // an agent keeps the subject it had before sources existed; another source is bound by its kind and id
        subjects.add(
                source.kind() == Source.Kind.AGENT
                        ? agent(source.id())
                        : source.kind().wire() + ":" + source.id());
        for (Inventory inventory : inventories) {
            Target target = inventory.target();
            if (target.kind() == Target.Kind.IMAGE) {
                // the same id the vulnerability wing keys the image's inventory and findings by
                subjects.add(target.digest() != null ? "image:" + target.digest() : "image:" + target.name());
            }
        }
        return List.copyOf(subjects);
    }

    /** A subject held by another key than the sender's. */
    record Refused(String subject, String keyId, String keyName) {
        String message() {
            String what = subject.startsWith("agent:")
                    ? "agent id " + subject.substring("agent:".length())
                    : subject.startsWith("image:")
                            ? "image " + subject.substring("image:".length())
                            : "source " + subject;
            return what + " is bound to another intake API key ('" + keyName + "', id " + keyId + "), the one that"
                    + " first sent it; one key cannot write another host's or image's state. If this host really"
                    + " changed keys, revoke the old key or ask an administrator to release the binding"
                    + " (DELETE /api/v1/agents/{id}/binding, or /api/v1/images/binding?image=... for an image)";
        }
    }

    /** Claims each subject for {@code keyId} in one transaction; the first one held by another key, if any. */
    Optional<Refused> claim(String orgId, String keyId, List<String> subjects, long now) {
        return jdbi.inTransaction(handle -> claim(handle, orgId, keyId, subjects, now));
    }

    /** Reads, without claiming, whether another active key holds one of the subjects. */
    Optional<Refused> check(String orgId, String keyId, List<String> subjects) {
        return jdbi.withHandle(handle -> {
            for (String subject : subjects) {
                Holder holder = holder(handle, orgId, subject);
                if (holder != null && !holder.keyId().equals(keyId) && holder.active()) {
                    return Optional.of(new Refused(subject, holder.keyId(), holder.keyName()));
                }
            }
            return Optional.<Refused>empty();
        });
    }

    /** Claims each subject for {@code keyId} in the caller's transaction; the first one held by another key. */
    static Optional<Refused> claim(Handle handle, String orgId, String keyId, List<String> subjects, long now) {
        for (String subject : subjects) {
            Optional<Refused> refused = claimOne(handle, orgId, keyId, subject, now);
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    private static Optional<Refused> claimOne(Handle handle, String orgId, String keyId, String subject, long now) {
        handle.createUpdate("INSERT INTO intake_bindings (org_id, subject, key_id, bound_at)"
                        + " VALUES (:org, :subject, :key, :now) ON CONFLICT (org_id, subject) DO NOTHING")
                .bind("org", orgId)
                .bind("subject", subject)
                .bind("key", keyId)
                .bind("now", now)
                .execute();
        for (int attempt = 0; attempt < 3; attempt++) {
            Holder holder = holder(handle, orgId, subject);
            if (holder == null || holder.keyId().equals(keyId)) {
                // null: released by an administrator between the two statements; the next batch claims it
                return Optional.empty();
            }
            if (holder.active()) {
                return Optional.of(new Refused(subject, holder.keyId(), holder.keyName()));
            }
            // the holder's key is revoked: the binding passes to this key, if no other key took it meanwhile
            int moved = handle.createUpdate("UPDATE intake_bindings SET key_id = :key, bound_at = :now"
                            + " WHERE org_id = :org AND subject = :subject AND key_id = :old")
                    .bind("key", keyId)
                    .bind("now", now)
                    .bind("org", orgId)
                    .bind("subject", subject)
                    .bind("old", holder.keyId())
                    .execute();
            if (moved == 1) {
                return Optional.empty();
            }
        }
        Holder holder = holder(handle, orgId, subject);
        return holder == null || holder.keyId().equals(keyId)
                ? Optional.empty()
                : Optional.of(new Refused(subject, holder.keyId(), holder.keyName()));
    }

    private record Holder(String keyId, String keyName, boolean active) {}

    private static @Nullable Holder holder(Handle handle, String orgId, String subject) {
        return handle.createQuery("SELECT b.key_id, k.name, k.revoked_at FROM intake_bindings b LEFT JOIN api_keys k"
                        + " ON k.id = b.key_id AND k.org_id = b.org_id WHERE b.org_id = :org AND b.subject = :subject")
                .bind("org", orgId)
                .bind("subject", subject)
                .map((rs, ctx) -> {
                    String name = rs.getString(2);
                    rs.getLong(3);
                    boolean revoked = !rs.wasNull();
                    return new Holder(rs.getString(1), name == null ? "deleted" : name, name != null && !revoked);
                })
                .findOne()
                .orElse(null);
    }

    /** Releases a binding so that the next key to send takes it; false when there is none. */
    public boolean release(String orgId, String subject) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                                "DELETE FROM intake_bindings WHERE org_id = :org AND subject = :subject")
                        .bind("org", orgId)
                        .bind("subject", subject)
                        .execute())
                > 0;
    }
}

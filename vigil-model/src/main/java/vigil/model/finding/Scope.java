package vigil.model.finding;

import static java.util.Objects.requireNonNull;

/**
 * What one scan result covers (ADR 0030, 0033). A result replaces the findings of one (category, scope): those of the
 * scope it no longer reports resolve, except in a {@link Stream}, which only appends.
 */
public sealed interface Scope {
    /** The stored kind: {@code resource}, {@code account} or {@code stream}. */
    String kind();

    /** The stored id, unique within its kind. */
    String id();

    /** Whether a later result of this scope resolves the findings it no longer reports. */
    default boolean replaces() {
        return true;
    }

    /** One host, image or root filesystem, rescanned as a whole (the vulnerability scan of an inventory). */
    record Resource(String resourceId) implements Scope {
        public Resource {
            requireNonNull(resourceId, "resourceId is null");
            if (resourceId.isEmpty()) {
                throw new IllegalArgumentException("a resource scope needs the resource's id");
            }
        }

        @Override
        public String kind() {
            return "resource";
        }

        @Override
        public String id() {
            return resourceId;
        }
    }

    /**
     * Every resource of one cloud account (subscription, project) for one provider: a posture or identity scan. A
     * resource that vanished from the result has its findings resolved.
     */
    record Account(String provider, String accountId) implements Scope {
        public Account {
            requireNonNull(provider, "provider is null");
            requireNonNull(accountId, "accountId is null");
            if (provider.isEmpty() || accountId.isEmpty() || provider.contains("/")) {
                throw new IllegalArgumentException("an account scope needs a provider without '/' and an account id,"
                        + " not '" + provider + "' and '" + accountId + "'");
            }
        }

        @Override
        public String kind() {
            return "account";
        }

        /** {@code provider/account}: the provider has no slash, so the pair reads back unambiguously. */
        @Override
        public String id() {
            return provider + "/" + accountId;
        }
    }

    /**
     * An append-only source of signals (threat detections): a later result never resolves what an earlier one
     * reported; only a person (or an expiry) does.
     */
    record Stream(String streamId) implements Scope {
        public Stream {
            requireNonNull(streamId, "streamId is null");
            if (streamId.isEmpty()) {
                throw new IllegalArgumentException("a stream scope needs the stream's id");
            }
        }

        @Override
        public String kind() {
            return "stream";
        }

        @Override
        public String id() {
            return streamId;
        }

        @Override
        public boolean replaces() {
            return false;
        }
    }
}

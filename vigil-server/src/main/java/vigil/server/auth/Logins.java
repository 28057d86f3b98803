package vigil.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * Sign-in without credentials is the server's most exposed work, so it is bounded before any password is hashed
 * (ADR 0014): a token bucket per client address, one per account, a lockout per account kept in the store with an
 * exponential, capped back-off, and the bounded hashing pool. An unknown email costs the same hash as a known one
 * and meets the same limits, so neither the answer nor its time tells whether an account exists.
 */
public final class Logins {
    /** Attempts an address may make at once, then one a second. */
    static final int ADDRESS_BURST = 20;

    static final Duration ADDRESS_EVERY = Duration.ofSeconds(1);

    /** Attempts an account may receive at once, then one every ten seconds. */
    static final int ACCOUNT_BURST = 5;

    static final Duration ACCOUNT_EVERY = Duration.ofSeconds(10);

    /** Failures in a row that are free; each further one locks the account for twice as long as the last. */
    public static final int FREE_FAILURES = 5;

    public static final Duration FIRST_LOCK = Duration.ofSeconds(30);

    /** The longest lock: an attacker must keep failing at least once per this to keep an account locked. */
    public static final Duration LONGEST_LOCK = Duration.ofMinutes(15);

    /** Failures older than this are forgotten: the count starts again. */
    static final Duration FORGET_AFTER = Duration.ofHours(24);

    private static final int MAX_BUCKETS = 100_000;

    /** What a sign-in attempt names; the email and organization as typed, the password as characters. */
    public static final class Attempt {
        private final String email;
        private final @Nullable String organization;
        private final char[] password;

        public Attempt(String email, @Nullable String organization, char[] password) {
            this.email = email;
            this.organization = organization;
            this.password = password.clone();
        }

        public String email() {
            return email;
        }

        public @Nullable String organization() {
            return organization;
        }

        public char[] password() {
            return password.clone();
        }
    }

    /** How a sign-in ended. */
    public sealed interface Outcome {}

    /** The password was right: a new session. */
    public record SignedIn(String token) implements Outcome {}

    /** Wrong email, password or organization, without saying which. */
    public record Refused() implements Outcome {}

    /** Too many attempts from the address or for the account: retry after the given time. */
    public record Throttled(Duration retryAfter, String message) implements Outcome {}

    /** The hashing pool is at capacity: retry in a moment. */
    public record Busy(Duration retryAfter) implements Outcome {}

    /** A password change: done, or why not. */
    public sealed interface Change {}

    public record Changed() implements Change {}

    public record WrongPassword() implements Change {}

    public record Invalid(String message) implements Change {}

    private final Accounts accounts;
    private final Jdbi jdbi;
    private final Clock clock;
    private final TokenBuckets addresses;
    private final TokenBuckets accountBuckets;

    public Logins(Accounts accounts, Jdbi jdbi, Clock clock) {
        this.accounts = accounts;
        this.jdbi = jdbi;
        this.clock = clock;
        this.addresses = new TokenBuckets(clock, ADDRESS_BURST, ADDRESS_EVERY, MAX_BUCKETS);
        this.accountBuckets = new TokenBuckets(clock, ACCOUNT_BURST, ACCOUNT_EVERY, MAX_BUCKETS);
    }

    /** The first check, before the body is even read: the client address's bucket. */
    public Optional<Throttled> admit(String address) {
        Duration wait = addresses.take(addressKey(address));
        return wait.isZero()
                ? Optional.empty()
                : Optional.of(throttled(wait, "too many sign-in attempts from this address"));
    }

    /** Checks the password behind the account and address limits; the address was {@link #admit admitted}. */
    public Outcome signIn(String address, Attempt attempt) {
        String email = attempt.email().strip().toLowerCase(Locale.ROOT);
        String organization =
                attempt.organization() == null || attempt.organization().isBlank()
                        ? null
                        : attempt.organization().strip();
        Optional<String> orgId = accounts.organizationForSignIn(organization);
        String account = orgId.map(id -> "org:" + id).orElse("name:" + organization) + "/" + email;
        Optional<Accounts.User> user = orgId.flatMap(id -> accounts.user(id, email));
        boolean knownAddress = user.isPresent() && knownAddress(user.get().id(), address);
        // A known address passes the lock others caused, but its own guesses meet a lock and bucket of their own:
        // an attacker sharing the user's address (NAT, proxy) must not guess at the address's rate.
        String limited = knownAddress ? account + " from " + address : account;
        Duration locked = lockedFor(limited);
        if (!locked.isZero()) {
            return throttled(locked, "this account is locked after " + FREE_FAILURES + " failed sign-ins in a row");
        }
        Duration wait = accountBuckets.take(limited);
        if (!wait.isZero()) {
            return throttled(wait, "too many sign-in attempts for this account");
        }
        boolean right;
        try {
            if (user.isPresent()) {
                right = accounts.hashing().verify(attempt.password(), user.get().passwordHash());
            } else {
                accounts.hashing().verifyNothing(attempt.password());
                right = false;
            }
        } catch (PasswordHashing.Busy e) {
            return new Busy(Duration.ofSeconds(1));
        }
        if (!right) {
            recordFailure(limited);
            return new Refused();
        }
        // a right password gives its token back: the user signing in often (scripts, browser tests) never drains it
        accountBuckets.refund(limited);
        clearFailures(limited);
        recordSuccess(account, user.get().id(), address);
        return new SignedIn(accounts.openSession(user.get().id()));
    }

    /**
     * Changes the password of a signed-in user after checking the current one (counted like a sign-in, so a stolen
     * session cannot guess it faster); ends every other session of the user.
     */
    public Change changePassword(Principal principal, String sessionToken, char[] current, char[] next) {
        try {
            Accounts.checkPassword(next);
        } catch (IllegalArgumentException e) {
            return new Invalid("the new password is refused: " + e.getMessage());
        }
        Optional<Accounts.User> user = accounts.user(principal.orgId(), principal.subject());
        if (user.isEmpty() || !sessionToken.startsWith("vgs_")) {
            return new Invalid("only a signed-in user has a password to change; an API key has none");
        }
        String account = "org:" + principal.orgId() + "/" + user.get().email();
        Duration locked = lockedFor(account);
        if (!locked.isZero()) {
            return new Invalid("this account is locked after failed password checks; retry in "
                    + Math.max(1, locked.toSeconds()) + " seconds");
        }
        // the lock is read before the hash and written after it, so parallel guesses would all pass it: the
        // account's bucket bounds them, as for a sign-in
        Duration wait = accountBuckets.take(account);
        if (!wait.isZero()) {
            return new Invalid("too many password checks for this account; retry in "
                    + throttled(wait, "").retryAfter().toSeconds() + " seconds");
        }
        if (!accounts.hashing().verify(current, user.get().passwordHash())) {
            recordFailure(account);
            return new WrongPassword();
        }
        accounts.setPassword(user.get().id(), next, sessionToken);
        clearFailures(account);
        return new Changed();
    }

    /**
     * The bucket of an address: an IPv4 address, or an IPv6 address's /64 (one subscriber's network usually has a
     * whole /64, so counting each address would give an attacker endless buckets).
     */
    static String addressKey(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            String literal = address.startsWith("[") && address.endsWith("]")
                    ? address.substring(1, address.length() - 1)
                    : address;
            java.net.InetAddress parsed = java.net.InetAddress.ofLiteral(literal);
            byte[] bytes = parsed.getAddress();
            if (bytes.length != 16) {
                // an IPv4-mapped peer (::ffff:a.b.c.d, as a dual-stack socket may report it) is that IPv4 address
                return parsed.getHostAddress();
            }
            return java.util.HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    private static Throttled throttled(Duration wait, String why) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new Throttled(Duration.ofSeconds(seconds), why + "; retry in " + seconds + " seconds");
    }

    private boolean knownAddress(String userId, String address) {
        return jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT COUNT(*) FROM login_addresses WHERE user_id = :user AND address = :address")
                        .bind("user", userId)
                        .bind("address", address)
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    private Duration lockedFor(String account) {
        long now = clock.millis();
        Optional<Long> until = jdbi.withHandle(
                handle -> handle.createQuery("SELECT locked_until FROM login_failures WHERE account = :account")
                        .bind("account", account)
                        .mapTo(Long.class)
                        .findOne());
        return until.filter(t -> t > now).map(t -> Duration.ofMillis(t - now)).orElse(Duration.ZERO);
    }

    /** One failure more; from the {@link #FREE_FAILURES}th on the account is locked, each lock twice the last. */
    private void recordFailure(String account) {
        long now = clock.millis();
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM login_failures WHERE last_failure_at < :forgotten AND locked_until < :now")
                    .bind("forgotten", now - FORGET_AFTER.toMillis())
                    .bind("now", now)
                    .execute();
            handle.createUpdate("INSERT INTO login_failures (account, failures, locked_until, last_failure_at)"
                            + " VALUES (:account, 1, 0, :now) ON CONFLICT (account) DO UPDATE SET failures ="
                            + " login_failures.failures + 1, last_failure_at = :now")
                    .bind("account", account)
                    .bind("now", now)
                    .execute();
            int failures = handle.createQuery("SELECT failures FROM login_failures WHERE account = :account")
                    .bind("account", account)
                    .mapTo(Integer.class)
                    .one();
            if (failures >= FREE_FAILURES) {
                handle.createUpdate("UPDATE login_failures SET locked_until = :until WHERE account = :account")
                        .bind("until", now + lockFor(failures).toMillis())
                        .bind("account", account)
                        .execute();
            }
        });
    }

    /** The lock after the given number of failures in a row: 30 s, 1 min, 2 min, ... at most 15 min. */
    public static Duration lockFor(int failures) {
        int doublings = Math.min(20, Math.max(0, failures - FREE_FAILURES));
        Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
        return lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock;
    }

    private void recordSuccess(String account, String userId, String address) {
        long now = clock.millis();
        clearFailures(account);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO login_addresses (user_id, address, last_success_at)"
                        + " VALUES (:user, :address, :now) ON CONFLICT (user_id, address) DO UPDATE SET"
                        + " last_success_at = :now")
                .bind("user", userId)
                .bind("address", address)
                .bind("now", now)
                .execute());
    }

    private void clearFailures(String account) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM login_failures WHERE account = :account")
                .bind("account", account)
                .execute());
    }
}

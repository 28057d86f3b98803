package vigil.server.auth;

/** What a route needs. Every route declares one; {@link #PUBLIC} is a declaration too, not an omission. */
public enum Permission {
    /** No credentials: health checks, the login page. */
    PUBLIC,
    /** An agent API key with the intake scope. */
    INTAKE,
    /** Read findings, resources, agents and the setup page. */
    READ,
    /** Mute, unmute and resolve findings. */
    TRIAGE,
    /** Manage API keys, users, notification rules and settings. */
    ADMIN
}

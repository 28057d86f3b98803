package vigil.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.server.auth.Accounts;
import vigil.server.auth.Logins;

/**
 * Sign-in bodies, JSON from the API and form fields from the web UI. Nobody has signed in yet, so a body is read
 * only up to {@link #MAX_BYTES}: a larger declared length is refused before a byte is read, a longer chunked body
 * once the limit is passed, both with 413.
 */
public final class LoginBodies {
    /** An email, a password of up to 1024 characters and an organization fit with room to spare. */
    public static final int MAX_BYTES = 4096;

    private static final int MAX_EMAIL = 320;
    private static final int MAX_ORGANIZATION = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LoginBodies() {}

    /** A body that cannot be a sign-in: 400 or 413, with what to do. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The client's address as the TCP peer: never a header such as X-Forwarded-For, which anyone can send. */
    public static String address(Context ctx) {
        return ctx.req().getRemoteAddr();
    }

    /** Reads the request's body, at most {@link #MAX_BYTES}. */
    public static byte[] read(Context ctx) throws Refused {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new Refused(400, "the sign-in body could not be read: " + e.getMessage());
        }
    }

    private static Refused tooLarge() {
        return new Refused(
                413, "a sign-in body has at most " + MAX_BYTES + " bytes: send only email, password and organization");
    }

    /** {@code {"email": ..., "password": ..., "organization": ...}}, the organization optional. */
    public static Logins.Attempt json(byte[] body) throws Refused {
        if (body.length > MAX_BYTES) {
            throw tooLarge();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new Refused(400, "the sign-in body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Refused(400, "the sign-in body must be a JSON object with email and password");
        }
        return attempt(text(node, "email"), text(node, "password"), text(node, "organization"));
    }

    private static @Nullable String text(JsonNode node, String field) throws Refused {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new Refused(400, field + " must be a string");
        }
        return value.asString();
    }

    /** {@code application/x-www-form-urlencoded} fields of the sign-in form. */
    public static Map<String, String> form(byte[] body) throws Refused {
        if (body.length > MAX_BYTES) {
            throw tooLarge();
        }
        Map<String, String> fields = new HashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "the sign-in form is not URL-encoded: " + e.getMessage());
            }
        }
        // the generic check of form fields is skipped for sign-in (it would read the body unbounded): run it here
        java.util.Optional<String> control = TextInput.controlCharacterIn(fields);
        if (control.isPresent()) {
            throw new Refused(400, control.get());
        }
        return fields;
    }

    /** The sign-in form's fields as an attempt. */
    public static Logins.Attempt formAttempt(Map<String, String> fields) throws Refused {
        return attempt(fields.get("email"), fields.get("password"), fields.get("organization"));
    }

    private static Logins.Attempt attempt(
            @Nullable String email, @Nullable String password, @Nullable String organization) throws Refused {
        if (email == null || email.isBlank() || email.length() > MAX_EMAIL) {
            throw new Refused(400, "email is required, at most " + MAX_EMAIL + " characters");
        }
        if (password == null || password.isEmpty() || password.length() > Accounts.MAX_PASSWORD) {
            throw new Refused(400, "password is required, at most " + Accounts.MAX_PASSWORD + " characters");
        }
        if (organization != null && organization.length() > MAX_ORGANIZATION) {
            throw new Refused(400, "organization is a name of at most " + MAX_ORGANIZATION + " characters");
        }
        if (TextInput.firstControlCharacter(email) >= 0) {
            throw new Refused(400, "the field 'email' holds a control character; send it without one");
        }
        if (organization != null && TextInput.firstControlCharacter(organization) >= 0) {
            throw new Refused(400, "the field 'organization' holds a control character; send it without one");
        }
        return new Logins.Attempt(email, organization, password.toCharArray());
    }
}

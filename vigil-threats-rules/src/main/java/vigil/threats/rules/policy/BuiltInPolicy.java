package vigil.threats.rules.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Vigil's own threat policy ({@code vigil-default.policy}): what runs when no policy is given. */
public final class BuiltInPolicy {
    /** The name its rules' reports and errors give as their file. */
    public static final String NAME = "vigil-default.policy";

    private BuiltInPolicy() {}

    public static String text() {
        try (InputStream in = BuiltInPolicy.class.getResourceAsStream(NAME)) {
            if (in == null) {
                throw new IllegalStateException("the built-in policy " + NAME + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PolicyReader.Read read() {
        return PolicyReader.read(NAME, text());
    }
}

package vigil.threats.wing;

import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A person's mute of a rule for a process path or for a container image, each exact or a glob ({@code *} any run of
 * characters, {@code /} included; {@code ?} one character). A signal it matches when the signal arrives is stored
 * archived, "muted by" it; nothing is dropped.
 */
public record Mute(
        String id,
        String ruleId,
        @Nullable String processPath,
        @Nullable String containerImage,
        @Nullable String reason,
        String createdBy,
        Instant createdAt) {

    public Mute {
        if ((processPath == null) == (containerImage == null)) {
            throw new IllegalArgumentException("a mute names a process path or a container image, one of the two");
        }
    }

    /** Whether the signal is one this mute silences. */
    public boolean matches(Signal signal) {
        if (!ruleId.equals(signal.ruleId())) {
            return false;
        }
        if (processPath != null) {
            return glob(processPath, signal.processPath());
        }
        String image = signal.containerImage();
        return containerImage != null && image != null && glob(containerImage, image);
    }

    /** What a muted signal says it was muted by. */
    public String describe() {
        return "mute " + id + " (rule " + ruleId + ", "
                + (processPath != null ? "process " + processPath : "image " + containerImage) + ")";
    }

    /** Whether {@code text} matches the glob (exact when it has no {@code *} or {@code ?}). */
    static boolean glob(String glob, String text) {
        if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
            return glob.equals(text);
        }
        StringBuilder regex = new StringBuilder();
        for (String literal : glob.split("(?=[*?])|(?<=[*?])")) {
            switch (literal) {
                case "*" -> regex.append(".*");
                case "?" -> regex.append('.');
                default -> regex.append(Pattern.quote(literal));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
    }
}

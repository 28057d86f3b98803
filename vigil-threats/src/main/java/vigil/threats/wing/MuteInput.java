package vigil.threats.wing;

import org.jspecify.annotations.Nullable;

/**
 * A mute as a person asks for it (API body or form), checked: a rule id and exactly one of a process path or a
 * container image (each exact or a glob), and an optional reason.
 */
public record MuteInput(
        String ruleId,
        @Nullable String processPath,
        @Nullable String containerImage,
        @Nullable String reason) {

    public static MuteInput of(
            @Nullable String ruleId,
            @Nullable String processPath,
            @Nullable String containerImage,
            @Nullable String reason)
            throws BadInput {
        if (ruleId == null || ruleId.isBlank() || ruleId.length() > 256) {
            throw new BadInput("rule_id must be the rule's id, 1 to 256 characters");
        }
        String path = blankToNull(processPath);
        String image = blankToNull(containerImage);
        if ((path == null) == (image == null)) {
            throw new BadInput("a mute names either process_path or container_image (exact or a glob with * and"
                    + " ?), not both and not neither");
        }
        if (path != null && path.length() > SignalReader.MAX_PATH) {
            throw new BadInput("process_path has more than " + SignalReader.MAX_PATH + " characters");
        }
        if (image != null && image.length() > 1024) {
            throw new BadInput("container_image has more than 1024 characters");
        }
        String why = blankToNull(reason);
        if (why != null && why.length() > 1000) {
            throw new BadInput("reason has more than 1000 characters");
        }
        return new MuteInput(ruleId, path, image, why);
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}

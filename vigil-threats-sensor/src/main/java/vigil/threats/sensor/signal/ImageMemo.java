package vigil.threats.sensor.signal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a runtime answered about container images, by container id: only ids as runtimes make them (64 hex digits)
 * are asked, and at most {@link #MAX_CACHED} answers are kept, the least recently used dropped first. Thread-safe.
 */
final class ImageMemo {
    static final int MAX_CACHED = 1_024;

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    /** Whether "no image" is remembered too (a runtime that said so), or asked again next time (not there yet). */
    private final boolean rememberMisses;

    private final Map<String, String> answers = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_CACHED;
        }
    };

    ImageMemo(boolean rememberMisses) {
        this.rememberMisses = rememberMisses;
    }

    synchronized @Nullable String image(String containerId, Function<String, @Nullable String> ask) {
        if (!ID.matcher(containerId).matches()) {
            return null;
        }
        String known = answers.get(containerId);
        if (known != null) {
            return known.isEmpty() ? null : known;
        }
        String image = ask.apply(containerId);
        if (image != null || rememberMisses) {
            answers.put(containerId, image == null ? "" : image);
        }
        return image;
    }
}

package vigil.server.intake;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import vigil.spi.intake.IntakeQueue;
import vigil.spi.intake.IntakeQueueProvider;

/** Opens the intake queue a {@code --queue} URL names, through the providers on the class path. */
public final class IntakeQueues {
    private IntakeQueues() {}

    public static IntakeQueue open(String url) throws IOException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // the URL is not repeated: it may carry a secret where one does not belong
            throw new IOException("the queue URL is not a URL (" + e.getReason() + " at character " + e.getIndex()
                    + "); use kafka://HOST:PORT[,HOST:PORT...][?topic=NAME]");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (IntakeQueueProvider provider : ServiceLoader.load(IntakeQueueProvider.class)) {
            if (provider.scheme().equals(scheme)) {
                return provider.open(uri);
            }
            known.add(provider.scheme());
        }
        throw new IOException("no intake queue module serves '" + scheme + "://' (the queue URL was "
                + redacted(uri) + "); "
                + (known.isEmpty()
                        ? "this distribution has none: add the vigil-kafka module to the class path"
                        : "the class path has " + String.join(", ", known)));
    }

    /** The URL without user information or query, for messages and logs. */
    public static String redacted(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return String.valueOf(uri.getScheme()) + ":";
        }
        int at = authority.lastIndexOf('@');
        return uri.getScheme() + "://" + (at >= 0 ? authority.substring(at + 1) : authority);
    }
}

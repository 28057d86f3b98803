package vigil.server.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Building links: query values are URL-encoded here; the templates escape the whole href for HTML. */
public final class Html {
    private Html() {}

    public static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

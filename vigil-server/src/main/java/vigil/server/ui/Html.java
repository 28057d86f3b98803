package vigil.server.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** HTML building with escaping at every insertion: text from agents and advisories is untrusted. */
final class Html {
    private Html() {}

    static String esc(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The page frame: navigation, the signed-in user, and the content. */
    static String page(String title, String active, String user, String content) {
        StringBuilder nav = new StringBuilder();
        for (String[] item : new String[][] {
            {"/findings", "Findings"},
            {"/vulnerabilities", "Vulnerabilities"},
            {"/setup", "Setup"},
            {"/account", "Account"}
        }) {
            nav.append("<a href=\"")
                    .append(item[0])
                    .append("\"")
                    .append(item[1].equals(active) ? " class=\"active\"" : "")
                    .append(">")
                    .append(item[1])
                    .append("</a>");
        }
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " · Vigil</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"htmx-config\" content=\"{&quot;includeIndicatorStyles&quot;:false}\">"
                + "<link rel=\"stylesheet\" href=\"/assets/vigil.css\"><script src=\"/assets/htmx.min.js\" defer>"
                + "</script></head><body><header><span class=\"brand\">Vigil</span><nav>" + nav
                + "</nav><form method=\"post\" action=\"/logout\" class=\"user\"><span>" + esc(user)
                + "</span><button>Sign out</button></form></header><main><h1>" + esc(title) + "</h1>" + content
                + "</main></body></html>";
    }

    static String badge(String kind, String text) {
        return "<span class=\"badge " + esc(kind) + "\">" + esc(text) + "</span>";
    }
}

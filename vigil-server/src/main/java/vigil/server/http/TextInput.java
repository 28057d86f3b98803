package vigil.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Refuses control characters in text from requests before it reaches a query, a file name or a page: a NUL in a
 * search made PostgreSQL fail (a 500), and no parameter has a use for one. Query, path and form parameters may hold
 * none (C0 and DEL); JSON strings may hold tabs and line breaks.
 */
final class TextInput {
    private TextInput() {}

    /** What is wrong with the request's parameters (form fields only when asked), or empty when nothing is. */
    static Optional<String> controlCharacterIn(Context ctx, boolean formFields) {
        Optional<String> found = inParameters("query parameter", ctx.queryParamMap());
        if (found.isEmpty()) {
            found = inParameters(
                    "path parameter",
                    ctx.pathParamMap().entrySet().stream()
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
        }
        String type = ctx.contentType();
        if (found.isEmpty()
                && formFields
                && type != null
                && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            found = inParameters("form field", ctx.formParamMap());
        }
        return found;
    }

    /** Answers 400 with the message: JSON for the API, plain text for the browser's pages. */
    static void refuse(Context ctx, String message, boolean page) {
        if (page) {
            ctx.status(400).contentType("text/plain; charset=utf-8").result(message);
        } else {
            Errors.send(ctx, 400, message);
        }
    }

    /** The same check for form fields parsed elsewhere (the sign-in form, read bounded by LoginBodies). */
    static Optional<String> controlCharacterIn(Map<String, String> formFields) {
        return inParameters(
                "form field",
                formFields.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
    }

    private static Optional<String> inParameters(String what, Map<String, List<String>> parameters) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            int bad = firstControl(parameter.getKey(), false);
            for (String value : parameter.getValue()) {
                bad = bad >= 0 ? bad : firstControl(value, false);
            }
            if (bad >= 0) {
                return Optional.of(message(what, parameter.getKey(), bad));
            }
        }
        return Optional.empty();
    }

    /** The first JSON string (or field name) with a control character other than tab and line breaks. */
    static Optional<String> controlCharacterIn(JsonNode node) {
        return inJson(node, "");
    }

    private static Optional<String> inJson(JsonNode node, String path) {
        if (node.isString()) {
            int bad = firstControl(node.asString(), true);
            return bad >= 0 ? Optional.of(message("field", path, bad)) : Optional.empty();
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                int bad = firstControl(field.getKey(), false);
                if (bad >= 0) {
                    return Optional.of(message("field name", name, bad));
                }
                Optional<String> found = inJson(field.getValue(), name);
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> found = inJson(node.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The offset of the first control character (C0 or DEL) in a sign-in field, or -1. */
    static int firstControlCharacter(String text) {
        return firstControl(text, false);
    }

    private static int firstControl(String text, boolean lineBreaksAllowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || c == 0x7f) && !(lineBreaksAllowed && (c == '\t' || c == '\n' || c == '\r'))) {
                return c;
            }
        }
        return -1;
    }

    private static String message(String what, String name, int character) {
        String shown = name.length() > 60 ? name.substring(0, 60) + "..." : name;
        return "the " + what + " '" + shown.replaceAll("\\p{Cntrl}", "?") + "' holds a control character ("
                + String.format(Locale.ROOT, "U+%04X", character) + "); send it without control characters";
    }
}

package io.gridscout.agent.console;

/**
 * The console's one escaping function and a small string builder around it. Every value that is not a
 * literal of this package goes through {@link #esc}: wire strings (names, vendor strings, URIs, certificate
 * subjects) are hostile, and so are request parameters echoed back. Escaping covers text and quoted
 * attribute values alike (all attributes are written with double quotes).
 */
final class Html {
    private final StringBuilder sb = new StringBuilder(4096);

    /** Escapes &amp; &lt; &gt; &quot; &#39; and drops control characters other than tab/newline; null becomes "". */
    static String esc(Object value) {
        if (value == null) return "";
        String s = value.toString();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? "\uFFFD" : null;
            };
            if (r == null) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(s.length() + 16).append(s, 0, i);
            out.append(r);
        }
        return out == null ? s : out.toString();
    }

    /** Appends markup written in this package (never data). */
    Html raw(String markup) {
        sb.append(markup);
        return this;
    }

    /** Appends a value, escaped. */
    Html text(Object value) {
        sb.append(esc(value));
        return this;
    }

    /** Appends {@code <tag>value</tag>} with the value escaped. */
    Html el(String tag, Object value) {
        sb.append('<').append(tag).append('>').append(esc(value)).append("</").append(tag).append('>');
        return this;
    }

    /** A table cell with escaped text. */
    Html td(Object value) {
        return el("td", value);
    }

    /** A link; {@code href} is built by this package from escaped/encoded parts and is escaped again here. */
    Html a(String href, Object label) {
        sb.append("<a href=\"").append(esc(href)).append("\">").append(esc(label)).append("</a>");
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}

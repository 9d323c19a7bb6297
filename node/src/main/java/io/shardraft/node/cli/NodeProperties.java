package io.shardraft.node.cli;

import java.util.Map;

/** A node's config file in {@link java.util.Properties} syntax, keys in the given order, non-ASCII escaped. */
final class NodeProperties {

    private NodeProperties() {
    }

    static String format(Map<String, String> entries, String comment) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(escape(comment, false).replace('\n', ' ')).append('\n');
        entries.forEach((k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        return out.toString();
    }

    private static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

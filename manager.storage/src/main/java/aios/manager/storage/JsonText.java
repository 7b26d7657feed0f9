package aios.manager.storage;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Writes event properties as a JSON object (keys sorted), which SQLite's json functions can query. */
final class JsonText {

    private JsonText() {
    }

    static String object(Map<String, ?> properties) {
        StringBuilder sb = new StringBuilder(32 + properties.size() * 24).append('{');
        boolean first = true;
        for (Map.Entry<String, ?> e : new TreeMap<>(properties).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            value(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    /**
     * The object of the properties {@code names} (sorted here, in place; {@code skip} left out), each one's value
     * looked up with {@code values}: no map is copied, which matters at the collector's rate.
     */
    static String object(String[] names, String skip, Function<String, ?> values) {
        Arrays.sort(names);
        StringBuilder sb = new StringBuilder(32 + names.length * 32).append('{');
        boolean first = true;
        for (String name : names) {
            if (name.equals(skip)) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, name);
            sb.append(':');
            value(sb, values.apply(name));
        }
        return sb.append('}').toString();
    }

    private static void value(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> string(sb, d.toString());
            case Float f when f.isNaN() || f.isInfinite() -> string(sb, f.toString());
            case Number n -> sb.append(n);
            case Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    value(sb, o);
                }
                sb.append(']');
            }
            default -> {
                if (v.getClass().isArray()) {
                    sb.append('[');
                    for (int i = 0, n = Array.getLength(v); i < n; i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        value(sb, Array.get(v, i));
                    }
                    sb.append(']');
                } else {
                    string(sb, v.toString());
                }
            }
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}

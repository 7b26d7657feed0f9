package aios.manager.storage;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.Function;

/** Writes event properties as a JSON object (keys sorted), which SQLite's json functions can query. */
final class JsonText {

    private JsonText() {
    }

    /** The last order of names seen and its sorted form: events of one kind name the same keys in the same order. */
    private record Order(String[] given, String[] sorted) {
    }

    private static volatile Order lastOrder = new Order(new String[0], new String[0]);

    /**
     * The object of the properties {@code names} ({@code skip} left out), keys sorted, each one's value looked up with
     * {@code values}: no map is copied, and the sorting of the last set of names seen is reused, which matters at the
     * collector's rate.
     */
    static String object(String[] names, String skip, Function<String, ?> values) {
        Order o = lastOrder;
        String[] sorted;
        if (sameNames(o.given(), names)) {
            sorted = o.sorted();
        } else {
            sorted = names.clone();
            Arrays.sort(sorted);
            lastOrder = new Order(names, sorted);
        }
        StringBuilder sb = new StringBuilder(64 + sorted.length * 40).append('{');
        boolean first = true;
        for (String name : sorted) {
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

    /** Whether the two hold the same names in the same order (compared by identity first: keys are constants). */
    private static boolean sameNames(String[] a, String[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static void value(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> string(sb, d.toString());
            case Float f when f.isNaN() || f.isInfinite() -> string(sb, f.toString());
            case Long n -> sb.append(n.longValue());
            case Integer n -> sb.append(n.intValue());
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
        int plain = 0;
        while (plain < s.length() && s.charAt(plain) >= 0x20 && s.charAt(plain) != '"' && s.charAt(plain) != '\\') {
            plain++;
        }
        sb.append(s, 0, plain); // most keys and values need no escaping: appended at once
        for (int i = plain; i < s.length(); i++) {
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

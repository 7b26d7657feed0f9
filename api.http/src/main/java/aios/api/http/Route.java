package aios.api.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One endpoint: a method and a path template whose segments in braces are parameters ({@code /api/v1/syscalls/{id}}),
 * who may call it, and what handles it.
 *
 * @param access who may call it
 * @param handler what answers it
 */
record Route(String method, String template, Access access, Handler handler) {

    /** Who may call an endpoint. */
    enum Access {
        /** Anyone, also without a token (reads without secrets). */
        OPEN,
        /** Any valid token; the handler checks which agent's data it may touch. */
        TOKEN,
        /** The operator's token only. */
        OPERATOR
    }

    @FunctionalInterface
    interface Handler {
        void handle(Request request) throws Exception;
    }

    List<String> segments() {
        return List.of(template.substring(1).split("/"));
    }

    /** The path's parameters if {@code path} (split into segments) fits this route's template, else null. */
    Map<String, String> match(List<String> path) {
        List<String> t = segments();
        if (t.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < t.size(); i++) {
            String s = t.get(i);
            if (s.startsWith("{") && s.endsWith("}")) {
                if (path.get(i).isEmpty()) {
                    return null;
                }
                params.put(s.substring(1, s.length() - 1), path.get(i));
            } else if (!s.equals(path.get(i))) {
                return null;
            }
        }
        return params;
    }
}

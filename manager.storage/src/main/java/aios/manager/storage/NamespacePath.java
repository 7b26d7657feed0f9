package aios.manager.storage;

/**
 * Paths inside an agent's namespace: relative, {@code /}-separated, each segment a plain name. What could leave the
 * namespace or mean two things is refused with the path in the message, before anything is read or changed.
 */
final class NamespacePath {

    static final int MAX_LENGTH = 1024;

    private NamespacePath() {
    }

    /**
     * Checks {@code path} and returns it; {@code ""} (the root) only when {@code rootAllowed}.
     *
     * @throws IllegalArgumentException naming the path and what is wrong with it
     */
    static String check(String path, boolean rootAllowed) {
        return check(path, path, rootAllowed);
    }

    /** {@link #check(String, boolean)}, naming {@code shown} in its messages (the path as the caller gave it). */
    static String check(String path, String shown, boolean rootAllowed) {
        if (path == null || path.isEmpty()) {
            if (rootAllowed) {
                return "";
            }
            throw refused(shown, "it is empty: name a file or directory, such as notes/todo.txt");
        }
        if (path.length() > MAX_LENGTH) {
            throw refused(shown.substring(0, 40) + "…", "it is " + path.length() + " characters long, more than "
                    + MAX_LENGTH);
        }
        if (path.indexOf('\0') >= 0) {
            throw refused(shown.replace("\0", "\\0"), "it contains a NUL character");
        }
        if (path.indexOf('\\') >= 0) {
            throw refused(shown, "it contains a backslash: separate directories with /");
        }
        if (path.startsWith("/")) {
            throw refused(shown, "it is absolute: paths are relative to the agent's storage root (drop the leading /)");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw refused(shown, "it has an empty segment (// or a trailing /)");
            }
            if (segment.equals("..") || segment.equals(".")) {
                throw refused(shown, "it has a '" + segment + "' segment: paths may not leave or re-enter the agent's "
                        + "storage; name the file from the storage root");
            }
            for (int i = 0; i < segment.length(); i++) {
                if (Character.isISOControl(segment.charAt(i))) {
                    throw refused(shown, "it contains a control character (code " + (int) segment.charAt(i) + ")");
                }
            }
        }
        return path;
    }

    /** {@code path} below {@code root} (both checked; root may be ""). */
    static String resolve(String root, String path) {
        return root.isEmpty() ? path : path.isEmpty() ? root : root + "/" + path;
    }

    /** The parent of a non-root path, "" for a top-level one. */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** {@code full} relative to {@code root}, which contains it. */
    static String relative(String root, String full) {
        return root.isEmpty() ? full : full.equals(root) ? "" : full.substring(root.length() + 1);
    }

    private static IllegalArgumentException refused(String path, String why) {
        return new IllegalArgumentException("path '" + path + "' is refused: " + why);
    }
}

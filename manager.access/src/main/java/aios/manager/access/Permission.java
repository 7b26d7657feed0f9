package aios.manager.access;

import aios.kernel.api.syscall.Resource;
import java.util.regex.Pattern;

/**
 * One thing an agent may be granted, as operators type it: {@code syscall:KIND}, {@code tool:NAME},
 * {@code mount:NAMESPACE} (each also with {@code *} for all), or the flag {@code approve:irreversible}.
 */
sealed interface Permission {

    /** The permission as operators type it and the files keep it. */
    String text();

    /** The kinds and forms accepted, for error messages. */
    String FORMS = "syscall:llm, syscall:memory, syscall:storage, syscall:tool or syscall:* (syscall kinds), tool:NAME"
            + " or tool:* (tools), mount:NAME or mount:* (storage namespaces, /NAME/… paths), approve:irreversible"
            + " (the agent's irreversible operations wait for an operator)";

    Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** May submit syscalls of a kind: llm, memory, storage, tool; {@code resource} null for all four. */
    record Syscalls(Resource resource) implements Permission {
        public String text() {
            return "syscall:" + (resource == null ? "*" : resource.id());
        }
    }

    /** May call a tool (with {@code syscall:tool}); {@code *} for every tool. */
    record Tool(String name) implements Permission {
        public String text() {
            return "tool:" + name;
        }
    }

    /** May reach storage namespace {@code name} by absolute paths {@code /name/…} (with {@code syscall:storage}). */
    record Mount(String namespace) implements Permission {
        public String text() {
            return "mount:" + namespace;
        }
    }

    /** Not a right but a duty: the agent's irreversible operations wait for an operator's approval. */
    record ApproveIrreversible() implements Permission {
        public String text() {
            return "approve:irreversible";
        }
    }

    /**
     * Parses a permission as operators type it.
     *
     * @throws IllegalArgumentException naming the text and the forms accepted
     */
    static Permission parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.indexOf(':');
        String kind = colon < 0 ? t : t.substring(0, colon);
        String value = colon < 0 ? "" : t.substring(colon + 1);
        switch (kind) {
            case "syscall" -> {
                if (value.equals("*")) {
                    return new Syscalls(null);
                }
                for (Resource r : Resource.values()) {
                    if (r.id().equals(value)) {
                        return new Syscalls(r);
                    }
                }
                throw unknown(text, "there is no syscall kind '" + value + "'");
            }
            case "tool" -> {
                if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                    throw unknown(text, "name the tool: tool:NAME, or tool:* for every tool");
                }
                return new Tool(value);
            }
            case "mount" -> {
                if (!value.equals("*") && !NAME.matcher(value).matches()) {
                    throw unknown(text, "name the namespace as an agent is named (letters, digits, . _ -), or mount:*");
                }
                return new Mount(value);
            }
            case "approve" -> {
                if (value.equals("irreversible")) {
                    return new ApproveIrreversible();
                }
                throw unknown(text, "the only approval flag is approve:irreversible");
            }
            default -> throw unknown(text, null);
        }
    }

    private static IllegalArgumentException unknown(String text, String why) {
        return new IllegalArgumentException("unknown permission '" + text + "'" + (why == null ? "" : ": " + why)
                + "; use " + FORMS + ", or @GROUP for a privilege group");
    }
}

package aios.kernel.api.syscall;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The four resources the kernel queues syscalls for; each has its own queue, policy and workers. */
public enum Resource {
    LLM, MEMORY, STORAGE, TOOL;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in configuration, shell commands and events: {@code llm}, {@code memory}, … */
    public String id() {
        return id;
    }

    /**
     * Parses a resource name as users type it ({@code llm}, {@code MEMORY}, …).
     *
     * @throws IllegalArgumentException naming the input and the accepted names
     */
    public static Resource parse(String name) {
        if (name != null) {
            for (Resource r : values()) {
                if (r.id().equalsIgnoreCase(name.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown resource '" + name + "': use one of "
                + Arrays.stream(values()).map(Resource::id).collect(Collectors.joining(", ")));
    }
}

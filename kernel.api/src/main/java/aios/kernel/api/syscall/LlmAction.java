package aios.kernel.api.syscall;

import java.util.Locale;

/** What an LLM syscall asks for. */
public enum LlmAction {
    /** Free text. */
    CHAT,
    /** A JSON document. */
    JSON,
    /** Tool calls chosen from the offered tools. */
    TOOL_CALL;

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() {
        return id;
    }
}

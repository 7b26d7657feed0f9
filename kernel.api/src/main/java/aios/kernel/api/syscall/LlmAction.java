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

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

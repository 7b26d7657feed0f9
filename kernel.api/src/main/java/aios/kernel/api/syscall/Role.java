package aios.kernel.api.syscall;

/** Who speaks in a chat message. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL
}

package aios.manager.context;

import aios.kernel.api.syscall.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the context manager tracks of one registered agent while it runs. Thread-safe. */
final class LiveContext {

    final String agent;
    final Instant registered;
    final AtomicLong syscalls = new AtomicLong();
    final AtomicLong generatedTokens = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    /** Bytes of its snapshots on disk. */
    final AtomicLong snapshotBytes = new AtomicLong();
    private volatile Conversation conversation = new Conversation(List.of(), 0);

    private record Conversation(List<Message> messages, long bytes) {
    }

    LiveContext(String agent, Instant registered, long snapshotBytes) {
        this.agent = agent;
        this.registered = registered;
        this.snapshotBytes.set(snapshotBytes);
    }

    List<Message> conversation() {
        return conversation.messages();
    }

    void conversation(List<Message> messages) {
        long bytes = 0;
        for (Message m : messages) {
            bytes += m.content().getBytes(StandardCharsets.UTF_8).length;
        }
        conversation = new Conversation(List.copyOf(messages), bytes);
    }

    long memoryBytes() {
        return conversation.bytes() + snapshotBytes.get();
    }
}

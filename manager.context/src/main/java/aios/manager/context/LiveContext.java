package aios.manager.context;

import aios.kernel.api.syscall.Message;
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
            bytes += utf8Length(m.content());
        }
        conversation = new Conversation(List.copyOf(messages), bytes);
    }

    /** The UTF-8 size of {@code s}, without encoding it (this runs on every LLM syscall). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++; // a lone surrogate is encoded as '?'
            } else {
                n += 3;
            }
        }
        return n;
    }

    long memoryBytes() {
        return conversation.bytes() + snapshotBytes.get();
    }
}

package aios.kernel.core;

import java.util.function.Consumer;

/**
 * One listener of {@link aios.kernel.api.Kernel#followText}: what it has been sent, so that each call hands it only
 * the text past that. {@link #offer} runs on whichever worker steps the generation, {@link #close} on any thread;
 * both take this object's lock, so no call to the listener starts after {@code close} returns. {@code onClose} (which
 * takes the task's lock) runs outside it.
 */
final class TextFollower implements AutoCloseable {

    /** What an unfinished decode shows for part of a multi-byte character: held back until the character is whole. */
    private static final char INCOMPLETE = '\uFFFD';

    private final Consumer<String> listener;
    private final Runnable onClose;
    /** Characters of the text sent so far; guarded by {@code this}. */
    private int sent;
    private volatile boolean closed;

    TextFollower(Consumer<String> listener, Runnable onClose) {
        this.listener = listener;
        this.onClose = onClose;
    }

    /** A follower of a task that has ended: it is sent nothing. */
    static TextFollower ended(Consumer<String> listener) {
        TextFollower f = new TextFollower(listener, () -> { });
        f.closed = true;
        return f;
    }

    /**
     * Sends the text past what was sent already. {@code text} is all the text so far; {@code last} says it is the
     * whole text, so that nothing is held back.
     *
     * @throws RuntimeException what the listener threw; it is closed then and gets nothing more
     */
    void offer(String text, boolean last) {
        RuntimeException failure;
        synchronized (this) {
            if (closed) {
                return;
            }
            int end = text.length();
            if (!last) {
                while (end > sent && text.charAt(end - 1) == INCOMPLETE) {
                    end--;
                }
            }
            if (end <= sent) {
                return;
            }
            String piece = text.substring(sent, end);
            sent = end;
            try {
                listener.accept(piece);
                return;
            } catch (RuntimeException e) {
                closed = true;
                failure = e;
            }
        }
        onClose.run();
        throw failure;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.run();
    }
}

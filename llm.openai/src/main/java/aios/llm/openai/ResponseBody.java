package aios.llm.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The body of a response as it arrives, read by one thread: whole ({@link #readAll}) or line by line
 * ({@link #readLine}). Buffers are asked from the connection one batch at a time, so an unread body holds the server
 * back rather than filling memory; every wait ends at a deadline ({@link HttpTimeoutException}) or when the reading
 * thread is interrupted; more than {@code maxBytes} in all fails the read. {@link #close()} aborts the exchange
 * (closing the connection) unless the body was read to its end.
 */
final class ResponseBody implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {

    /** The body passed its size limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("more than " + limit + " bytes");
        }
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final Deque<ByteBuffer> pending = new ArrayDeque<>();
    private final long maxBytes;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private boolean ended;
    private long received;

    private final Runnable release;

    /** @param release run once, when the body is closed ({@code null}: nothing) */
    ResponseBody(long maxBytes, Runnable release) {
        this.maxBytes = maxBytes;
        this.release = release;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        arrived.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        arrived.add(t);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    /** Whether the body has been read to its end. */
    boolean ended() {
        return ended && pending.isEmpty();
    }

    /**
     * The rest of the body.
     *
     * @param deadline {@link System#nanoTime()} by which it must have come
     */
    byte[] readAll(long deadline) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b = next(deadline); b != null; b = next(deadline)) {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    /**
     * The next line (without its end: LF, or CR LF), or {@code null} at the end of the body; a last line without an
     * end is returned too.
     *
     * @param deadline {@link System#nanoTime()} by which the line must have come
     */
    String readLine(long deadline) throws IOException, InterruptedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (;;) {
            ByteBuffer b = next(deadline);
            if (b == null) {
                return line.size() == 0 ? null : text(line);
            }
            while (b.hasRemaining()) {
                byte c = b.get();
                if (c == '\n') {
                    return text(line);
                }
                line.write(c);
            }
        }
    }

    private static String text(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A buffer with bytes left, or {@code null} at the end. */
    private ByteBuffer next(long deadline) throws IOException, InterruptedException {
        for (;;) {
            ByteBuffer head = pending.peek();
            if (head != null) {
                if (head.hasRemaining()) {
                    return head;
                }
                pending.poll();
                continue;
            }
            if (ended) {
                return null;
            }
            long left = deadline - System.nanoTime();
            Object item = left <= 0 ? arrived.poll() : arrived.poll(left, TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new HttpTimeoutException("the body did not come in time");
            }
            if (item == END) {
                ended = true;
            } else if (item instanceof Throwable t) {
                ended = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            } else {
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                for (ByteBuffer b : buffers) {
                    received += b.remaining();
                    pending.add(b);
                }
                if (received > maxBytes) {
                    close();
                    throw new TooLarge(maxBytes);
                }
                subscription.request(1);
            }
        }
    }

    /** Aborts the exchange if the body has not been read to its end; idempotent. */
    @Override
    public void close() {
        boolean first = !closed;
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        if (first && release != null) {
            release.run();
        }
    }
}

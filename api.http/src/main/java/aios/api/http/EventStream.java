package aios.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

/**
 * One server-sent event stream: an Event Admin handler that only queues (Event Admin delivers to it directly, so it
 * must not block), and a writer that sends what is queued to the client in {@code text/event-stream} format. A client
 * too slow to keep up — the queue full — is sent a last {@code dropped} event and disconnected; nothing blocks for it.
 *
 * <p>{@link #handleEvent} is called on Event Admin's threads, {@link #run} on the stream's own thread.
 */
class EventStream implements EventHandler {

    /** A comment line is sent when nothing else was for this long, so that dead connections are noticed. */
    static final long KEEPALIVE_MILLIS = 15_000;

    /** What the writer sends: a named event with a JSON payload, or the end of the stream. */
    record Item(String name, Object data, boolean last) {
    }

    /** The data of an item that stands for all the text appended since the writer last took it. */
    private static final Object PENDING_TEXT = new Object();

    private final BlockingQueue<Item> queue;
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean overflowed;
    private volatile boolean closed;
    /** Text for the next {@code text} event; guarded by itself. Many small pieces take one queue slot. */
    private final StringBuilder pendingText = new StringBuilder();
    /** Closed when the stream ends: what feeds it. */
    private volatile AutoCloseable source;

    EventStream(int buffer) {
        this.queue = new ArrayBlockingQueue<>(buffer);
    }

    @Override
    public void handleEvent(Event event) {
        offer(new Item(event.getTopic(), eventJson(event), false));
    }

    /** Queues an item; never blocks. When the queue is full the stream is marked to end with {@code dropped}. */
    final void offer(Item item) {
        if (closed || overflowed) {
            return;
        }
        if (!queue.offer(item)) {
            overflowed = true;
        }
    }

    /**
     * Queues a piece of text for a {@code text} event ({@code {"text": …}}); never blocks. Pieces that come faster
     * than the client takes them are joined into one event, so a fast generation does not fill the queue.
     * Called by one thread at a time.
     */
    final void offerText(String piece) {
        synchronized (pendingText) {
            boolean queued = !pendingText.isEmpty(); // an item for the text waits already
            pendingText.append(piece);
            if (queued) {
                return;
            }
        }
        offer(new Item("text", PENDING_TEXT, false));
    }

    /** What feeds the stream: closed once the stream has ended, whatever ended it. */
    final void feedBy(AutoCloseable source) {
        this.source = source;
    }

    /** The stream has ended: stops what feeds it. */
    final void ended() throws Exception {
        AutoCloseable s = source;
        if (s != null) {
            s.close();
        }
    }

    /** Ends the stream from outside (the API stops): the writer sends {@code closed} and returns. */
    final void close(String why) {
        closed = true;
        queue.clear();
        queue.offer(new Item("closed", Map.of("reason", why), true));
    }

    /**
     * Writes until the stream ends: a last item, an overflow, the client going away, or an interrupt.
     *
     * @throws IOException when the client is gone
     */
    final void run(OutputStream out) throws IOException, InterruptedException {
        write(out, ": stream open\n\n");
        while (true) {
            Item item = queue.poll(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
            if (overflowed && (item == null || !item.last())) {
                writeEvent(out, "dropped", Map.of("reason", "the client did not keep up: more than the stream's"
                        + " buffer (stream.buffer in aios.http) of events waited to be sent; reconnect"));
                return;
            }
            if (item == null) {
                write(out, ": keep-alive\n\n");
                continue;
            }
            if (item.data() == PENDING_TEXT) {
                String text;
                synchronized (pendingText) {
                    text = pendingText.toString();
                    pendingText.setLength(0);
                }
                writeEvent(out, item.name(), Map.of("text", text));
            } else {
                writeEvent(out, item.name(), item.data());
            }
            if (item.last()) {
                return;
            }
        }
    }

    private void writeEvent(OutputStream out, String name, Object data) throws IOException {
        // JSON has no raw newlines, so one data line suffices
        write(out, "id: " + sequence.incrementAndGet() + "\nevent: " + name + "\ndata: " + Json.write(data) + "\n\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** An event as JSON: its topic and properties (numbers, strings and booleans as they are, others as text). */
    static Map<String, Object> eventJson(Event event) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String name : event.getPropertyNames()) {
            if (name.equals("event.topics")) {
                continue;
            }
            Object v = event.getProperty(name);
            properties.put(name, v instanceof Number || v instanceof String || v instanceof Boolean ? v
                    : String.valueOf(v));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", event.getTopic());
        json.put("properties", properties);
        return json;
    }
}

package aios.api.http;

import aios.api.http.AsyncReplies.Reply;
import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The native API's server-sent event streams: {@code /api/v1/events} (the kernel's events, by topic and agent) and
 * {@code /api/v1/syscalls/ID/tokens} (an LLM syscall's text as it is generated). Each stream is an {@link EventStream}
 * registered as an Event Admin handler for as long as it is open, written on a virtual thread of {@link HttpApi}; at
 * most {@code streams.max} are open at once.
 */
final class StreamRoutes {

    /** Agent names as the kernel accepts them (Kernel.register), and nothing else in an event filter. */
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOPIC = Pattern.compile("aios(/[A-Za-z0-9_.-]+)*(/\\*)?");

    private final HttpApi api;
    private final BundleContext context;
    private final ExecutorService threads;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openStreams = new AtomicInteger();

    StreamRoutes(HttpApi api, BundleContext context, ExecutorService threads) {
        this.api = api;
        this.context = context;
        this.threads = threads;
    }

    /** Ends every open stream: each is sent {@code reason} and closed. */
    void closeAll(String reason) {
        for (EventStream s : streams) {
            s.close(reason);
        }
    }

    void eventStream(Request r) throws IOException {
        String[] topics = r.http.getParameterValues("topic");
        if (topics == null || topics.length == 0) {
            topics = new String[] {"aios/*"};
        }
        for (String t : topics) {
            if (!TOPIC.matcher(t).matches()) {
                throw ApiException.badRequest("topic '" + t + "' is not accepted: give a kernel topic such as"
                        + " aios/syscall/COMPLETED or aios/syscall/* (the topics are listed in README, How a syscall"
                        + " runs)");
            }
        }
        String agent = r.http.getParameter("agent");
        if (agent != null && !AGENT_NAME.matcher(agent).matches()) {
            throw ApiException.badRequest("agent '" + agent + "' is not an agent name (letters, digits, '.', '_',"
                    + " '-', at most 64)");
        }
        if (r.caller instanceof Caller.Agent a) {
            if (agent != null && !agent.equals(a.name())) {
                api.requireMayActAs(r.caller, agent);
            }
            agent = a.name(); // an agent sees only its own events
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topics);
        if (agent != null) {
            props.put(EventConstants.EVENT_FILTER, "(" + KernelEvents.AGENT + "=" + agent + ")");
        }
        stream(r, new EventStream(api.config().stream_buffer()), props, null);
    }

    /**
     * An LLM syscall's progress and text as server-sent events: {@code status} now, then as they come the kernel's
     * events of the syscall ({@code aios/syscall/STARTED}, {@code …/PREEMPTED} with the tokens so far, …) and
     * {@code text} events with the text generated since the last one ({@link Kernel#followText}; joined they are the
     * result's text), then {@code done} with the result or error.
     */
    void tokenStream(Request r) throws IOException {
        SyscallHandle h = api.visibleHandle(r);
        if (!(h.syscall() instanceof LlmQuery)) {
            throw ApiException.badRequest("syscall " + h.id() + " is a " + h.syscall().kind() + " syscall: only LLM"
                    + " syscalls have tokens to stream");
        }
        Kernel k = api.kernel();
        EventStream s = new EventStream(api.config().stream_buffer());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {"aios/syscall/*"});
        props.put(EventConstants.EVENT_FILTER, "(" + KernelEvents.ID + "=" + h.id() + ")");
        stream(r, s, props, () -> {
            s.offer(new EventStream.Item("status", Map.of("id", h.id(), "status", h.status().name()), false));
            StringBuilder sent = new StringBuilder(); // guarded by itself: written by a kernel worker, read at the end
            if (!h.result().toCompletableFuture().isDone()) {
                try {
                    s.feedBy(k.followText(h.id(), piece -> {
                        synchronized (sent) {
                            sent.append(piece);
                        }
                        s.offerText(piece);
                    }));
                } catch (IllegalArgumentException e) {
                    // the handle is not done, so the kernel knows the syscall: a kernel that restarted meanwhile
                    api.log().warn("syscall {}'s text cannot be followed ({}); the stream sends it when it ends",
                            h.id(), e.getMessage());
                }
            }
            h.result().whenComplete((result, failure) -> {
                Reply done = NativeRoutes.resultReply(h);
                if (result instanceof LlmResult llm) {
                    String rest;
                    synchronized (sent) {
                        // what the kernel did not deliver: all of it when nothing was followed
                        rest = llm.text().startsWith(sent.toString()) ? llm.text().substring(sent.length()) : "";
                    }
                    if (!rest.isEmpty()) {
                        s.offerText(rest);
                    }
                }
                s.offer(new EventStream.Item("done", done.body(), true));
            });
        });
    }

    private void stream(Request r, EventStream s, Dictionary<String, Object> props, Runnable started)
            throws IOException {
        if (openStreams.incrementAndGet() > api.config().streams_max()) {
            openStreams.decrementAndGet();
            throw new ApiException(503, "too many event streams are open (streams.max=" + api.config().streams_max()
                    + " in aios.http): close one, or retry later", 5, null);
        }
        HttpServletResponse resp = r.response;
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=utf-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = r.http.startAsync();
        async.setTimeout(0);
        ServiceRegistration<EventHandler> registration = context.registerService(EventHandler.class, s, props);
        streams.add(s);
        if (started != null) {
            started.run();
        }
        threads.execute(() -> {
            try (OutputStream out = resp.getOutputStream()) {
                resp.flushBuffer();
                s.run(out);
            } catch (IOException e) {
                api.log().debug("an event stream's client went away: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    s.ended();
                } catch (Exception e) {
                    api.log().warn("an event stream's source did not stop: {}", e.toString(), e);
                }
                streams.remove(s);
                openStreams.decrementAndGet();
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // unregistered with the bundle already
                }
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // the container ended it already
                }
            }
        });
    }
}

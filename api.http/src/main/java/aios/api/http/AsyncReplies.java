package aios.api.http;

import static aios.api.http.HttpApi.API;
import static aios.api.http.HttpApi.error;
import static aios.api.http.HttpApi.send;

import aios.kernel.api.SyscallHandle;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletResponse;

/**
 * Answers that wait for syscalls ({@code /query}, {@code result?wait=}): the servlet thread returns, and the answer is
 * written on a virtual thread of {@link HttpApi} when the syscalls end — never on a kernel worker, which a slow
 * client would hold up.
 */
final class AsyncReplies {

    private final HttpApi api;
    private final ExecutorService threads;

    AsyncReplies(HttpApi api, ExecutorService threads) {
        this.api = api;
        this.threads = threads;
    }

    /** An answer written when a stage completes. */
    record Reply(int status, Object body) {
    }

    /**
     * Answers asynchronously: the servlet thread returns, the reply is written on a virtual thread when the stage
     * completes, or a 504 when {@code query.timeout.seconds} pass first (the syscalls go on).
     */
    void reply(Request r, CompletionStage<Reply> stage, List<SyscallHandle> handles) {
        AsyncContext async = r.http.startAsync();
        long timeoutMs = api.config().query_timeout_seconds() * 1000L;
        async.setTimeout(timeoutMs + 5_000); // the container's own timeout is only a backstop
        AtomicBoolean answered = new AtomicBoolean();
        HttpServletResponse resp = r.response;
        async.addListener(new AsyncListener() {
            public void onComplete(AsyncEvent event) {
            }

            public void onTimeout(AsyncEvent event) {
                finish(answered, async, resp, timeoutReply(handles, timeoutMs));
            }

            public void onError(AsyncEvent event) {
                answered.set(true); // the client is gone
            }

            public void onStartAsync(AsyncEvent event) {
            }
        });
        stage.toCompletableFuture().orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((reply, failure) -> {
                    Throwable cause = failure == null ? null : unwrap(failure);
                    if (cause instanceof TimeoutException) {
                        finish(answered, async, resp, timeoutReply(handles, timeoutMs));
                    } else if (cause instanceof ApiException e) {
                        finish(answered, async, resp, e);
                    } else if (cause != null) {
                        api.log().error("the HTTP API failed answering {}: {}", r.http.getRequestURI(),
                                cause.toString(), cause);
                        finish(answered, async, resp, new ApiException(500, "the kernel's HTTP API failed on this"
                                + " request: " + cause + " (the kernel log has the details)"));
                    } else {
                        finish(answered, async, resp, reply);
                    }
                }, threads);
    }

    private ApiException timeoutReply(List<SyscallHandle> handles, long timeoutMs) {
        return new ApiException(504, "the syscall did not finish within " + timeoutMs / 1000 + " s"
                + " (query.timeout.seconds in aios.http); it goes on: see " + API + "/syscalls/ID for ids "
                + ids(handles));
    }

    private void finish(AtomicBoolean answered, AsyncContext async, HttpServletResponse resp, Object what) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        try {
            if (what instanceof ApiException e) {
                error(resp, e);
            } else if (what instanceof Reply reply) {
                send(resp, reply.status(), reply.body());
            }
        } catch (IOException | RuntimeException e) {
            api.log().debug("could not write an HTTP answer (the client may be gone): {}", e.toString());
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // completed by the container already (timeout or error)
            }
        }
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static List<Long> ids(List<SyscallHandle> handles) {
        synchronized (handles) {
            return handles.stream().map(SyscallHandle::id).toList();
        }
    }
}

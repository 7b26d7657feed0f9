package aios.bench;

import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * A model backend that answers at once, so that {@code bench:kernel} measures the kernel's own cost per syscall
 * (router, queue, hand-off to a worker, events, completion) and nothing else. Only in the bench assembly.
 */
@Component(property = LlmBackend.NAME + "=bench-instant")
public final class InstantBackend implements LlmBackend {
    static final String MODEL = "bench-instant";
    private static final LlmResult DONE = new LlmResult("ok", List.of(), "stop", 1, 1, MODEL);

    @Override
    public List<String> models() {
        return List.of(MODEL);
    }

    @Override
    public LlmResult complete(LlmQuery query) {
        return DONE;
    }
}

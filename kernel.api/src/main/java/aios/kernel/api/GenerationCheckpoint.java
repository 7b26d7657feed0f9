package aios.kernel.api;

import aios.kernel.api.syscall.LlmQuery;

/**
 * An unfinished LLM syscall, captured so that {@link Kernel#resume} can continue it later, in this process or
 * after a restart.
 *
 * @param syscall its id
 * @param query the query it runs
 * @param tokens tokens generated so far
 * @param state the generation's snapshot bytes (see {@link aios.kernel.api.llm.Generation#snapshot()}); empty if
 *     it had not started, or its backend cannot snapshot it — it then runs again from the query
 */
public record GenerationCheckpoint(long syscall, LlmQuery query, int tokens, byte[] state) {

    public GenerationCheckpoint {
        state = state == null ? new byte[0] : state;
    }
}

package aios.kernel.core;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that honours the preemption contract: each generation is a seeded pseudo-random word stream whose
 * whole state (random state, tokens so far, text) is in the object and in its snapshot, so a resumed generation
 * produces exactly what an uninterrupted one would. Records which generation produced each token, in order.
 */
final class SteppingBackend implements LlmBackend {
    private static final String[] WORDS = {"once", "upon", "a", "time", "there", "was", "little", "girl", "named",
            "Lily", "she", "loved", "to", "play", "outside", "park"};

    /** "prompt#tokenIndex" in the order tokens were generated, across all generations. */
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public List<String> models() {
        return List.of("stepping");
    }

    @Override
    public LlmResult complete(LlmQuery query) throws Exception {
        try (Generation g = start(query)) {
            while (!g.finished()) {
                g.step(Integer.MAX_VALUE);
            }
            return g.result();
        }
    }

    @Override
    public Generation start(LlmQuery query) {
        long seed = query.sampling().seed() == null ? 42 : query.sampling().seed();
        return new Words(query.messages().get(0).content(), query.sampling().maxTokens(), seed, 0, "");
    }

    @Override
    public Generation resume(LlmQuery query, byte[] snapshot) {
        ByteBuffer b = ByteBuffer.wrap(snapshot);
        if (b.remaining() < 20 || b.getInt() != 1) {
            throw new IllegalArgumentException("not a snapshot of the stepping backend (version 1)");
        }
        long state = b.getLong();
        int tokens = b.getInt();
        int max = b.getInt();
        byte[] text = new byte[b.remaining()];
        b.get(text);
        return new Words(query.messages().get(0).content(), max, state, tokens, new String(text, StandardCharsets.UTF_8));
    }

    private final class Words implements Generation {
        private final String prompt;
        private final int max;
        private long state;
        private int tokens;
        private final StringBuilder text;

        Words(String prompt, int max, long state, int tokens, String text) {
            this.prompt = prompt;
            this.max = max;
            this.state = state;
            this.tokens = tokens;
            this.text = new StringBuilder(text);
        }

        @Override
        public int step(int maxTokens) {
            int n = 0;
            while (n < maxTokens && tokens < max) {
                state = state * 6364136223846793005L + 1442695040888963407L; // a linear congruential step
                text.append(text.isEmpty() ? "" : " ").append(WORDS[(int) (state >>> 60)]);
                log.add(prompt + "#" + tokens);
                tokens++;
                n++;
            }
            return n;
        }

        @Override
        public boolean finished() {
            return tokens >= max;
        }

        @Override
        public int tokens() {
            return tokens;
        }

        @Override
        public LlmResult result() {
            return new LlmResult(text.toString(), List.of(), finished() ? "length" : null, 1, tokens, "stepping");
        }

        @Override
        public byte[] snapshot() {
            byte[] t = text.toString().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(20 + t.length).putInt(1).putLong(state).putInt(tokens).putInt(max).put(t).array();
        }

        @Override
        public void close() {
        }
    }
}

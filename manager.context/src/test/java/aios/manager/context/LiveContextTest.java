package aios.manager.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import aios.kernel.api.syscall.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveContextTest {

    @Test
    void theConversationCountsItsUtf8Bytes() {
        List<String> texts = List.of("Once upon a time", "dög", "日本語", "emoji \uD83D\uDE00", "", "lone \uD800 surrogate");
        for (String t : texts) {
            assertEquals(t.getBytes(StandardCharsets.UTF_8).length, LiveContext.utf8Length(t), t);
        }
        LiveContext c = new LiveContext("a", Instant.now(), 100);
        c.conversation(List.of(Message.user("dög"), Message.assistant("日本語")));
        assertEquals(100 + 4 + 9, c.memoryBytes(), "conversation plus the snapshots on disk");
    }
}

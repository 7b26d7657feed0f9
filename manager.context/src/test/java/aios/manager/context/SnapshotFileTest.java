package aios.manager.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.GenerationCheckpoint;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFileTest {

    static SnapshotFile sample() {
        LlmQuery sampled = new LlmQuery("alice", List.of(Message.system("Be brief."), Message.user("Tom had a dög")),
                List.of(new ToolSpec("calc", "exact arithmetic", "{\"type\":\"object\"}")), LlmAction.CHAT,
                new Sampling(200, 0.8, 0.95, 7L, 40), "stories260K",
                new Scheduling(3, Instant.parse("2026-11-24T12:00:00Z"), Duration.ofMillis(40)));
        LlmQuery unseeded = LlmQuery.chat("alice", "Once upon a time");
        byte[] state = new byte[5000];
        Arrays.fill(state, (byte) 0x5A);
        List<Message> conversation = List.of(Message.user("hi"),
                new Message(Role.ASSISTANT, "", List.of(new ToolCall("c1", "calc", "{\"expression\":\"1+1\"}")), null),
                Message.tool("c1", "2"));
        return new SnapshotFile("alice", Instant.ofEpochMilli(1_790_000_000_000L), conversation,
                List.of(new GenerationCheckpoint(12, sampled, 40, state), new GenerationCheckpoint(13, unseeded, 0, null)));
    }

    @Test
    void whatIsWrittenIsReadBackAsItWas() {
        SnapshotFile f = sample();
        SnapshotFile back = SnapshotFile.decode(f.encode(), "x.ctx");
        assertEquals(f.agent(), back.agent());
        assertEquals(f.created(), back.created());
        assertEquals(f.conversation(), back.conversation());
        assertEquals(2, back.generations().size());
        for (int i = 0; i < 2; i++) {
            GenerationCheckpoint a = f.generations().get(i);
            GenerationCheckpoint b = back.generations().get(i);
            assertEquals(a.syscall(), b.syscall());
            assertEquals(a.tokens(), b.tokens());
            assertEquals(a.query(), b.query());
            assertArrayEquals(a.state(), b.state());
        }
    }

    @Test
    void aTruncatedFileIsRefusedWithItsName() {
        byte[] bytes = sample().encode();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotFile.decode(Arrays.copyOf(bytes, bytes.length - 100), "contexts/alice/3.ctx"));
        assertTrue(e.getMessage().startsWith("contexts/alice/3.ctx is damaged or truncated"), e.getMessage());
    }

    @Test
    void aChangedByteIsRefused() {
        byte[] bytes = sample().encode();
        bytes[bytes.length / 2] ^= 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotFile.decode(bytes, "3.ctx"));
        assertTrue(e.getMessage().contains("checksum does not match"), e.getMessage());
    }

    @Test
    void otherFilesAndNewerFormatsAreRefusedSayingWhy() {
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> SnapshotFile.decode("just some text, long enough".getBytes(), "notes.ctx"));
        assertTrue(other.getMessage().contains("notes.ctx is not an AIOS context snapshot"), other.getMessage());

        byte[] bytes = sample().encode();
        bytes[11] = 9; // the format version's low byte
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> SnapshotFile.decode(bytes, "4.ctx"));
        assertTrue(newer.getMessage().contains("4.ctx is a context snapshot of format 9; this kernel reads format 1"),
                newer.getMessage());
    }
}

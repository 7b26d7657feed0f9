package aios.agents.story;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.sdk.AgentSession;
import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoryWriterTest {

    private static StoryConfig config(String instruction, String directory) {
        return new StoryConfig() {
            public Class<? extends Annotation> annotationType() {
                return StoryConfig.class;
            }

            public String model() {
                return "";
            }

            public String instruction() {
                return instruction;
            }

            public int max_tokens() {
                return 50;
            }

            public double temperature() {
                return 0.8;
            }

            public double top_p() {
                return 0.95;
            }

            public String directory() {
                return directory;
            }
        };
    }

    /** Answers the LLM syscall with a fixed continuation and every storage write with version 1. */
    static final class Session implements AgentSession {
        final List<Syscall> asked = new ArrayList<>();

        public String agent() {
            return "story";
        }

        public long processId() {
            return 4;
        }

        public SyscallResult call(Syscall syscall) {
            asked.add(syscall);
            return switch (syscall) {
                case LlmQuery q -> new LlmResult(", there was a little girl named Lily.\n", List.of(), "length", 5, 9, "m");
                case StorageQuery q -> new StorageResult("written", null, null, null, 1);
                default -> throw new AssertionError(syscall);
            };
        }
    }

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:11:12Z"), ZoneOffset.UTC);

    @Test
    void continuesTheBeginning_savesTheStoryAsAFileOfItsProcess_andReturnsIt() {
        Session session = new Session();
        String story = new StoryWriter(config("", "stories/"), clock).run(session, "  Once upon a time ");

        assertEquals("Once upon a time, there was a little girl named Lily.", story);
        LlmQuery q = (LlmQuery) session.asked.get(0);
        assertEquals(List.of(Message.user("Once upon a time")), q.messages(), "a plain model reads only the beginning");
        assertEquals(50, q.sampling().maxTokens());
        assertEquals(new StorageOperation.Write("stories/20261125-101112-p4.txt", story),
                ((StorageQuery) session.asked.get(1)).operation());
        assertEquals(2, session.asked.size());
    }

    @Test
    void anInstructionGoesFirstAsASystemMessage() {
        Session session = new Session();
        new StoryWriter(config("Continue the story.", ""), clock).run(session, "Tom had a dog");
        assertEquals(List.of(Message.system("Continue the story."), Message.user("Tom had a dog")),
                ((LlmQuery) session.asked.get(0)).messages());
        assertEquals("20261125-101112-p4.txt", ((StorageOperation.Write) ((StorageQuery) session.asked.get(1))
                .operation()).path());
    }

    @Test
    void anEmptyInputIsRefusedSayingWhatToGive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StoryWriter(config("", "stories"), clock).run(new Session(), " "));
        assertTrue(e.getMessage().contains("aios:run story Once upon a time"), e.getMessage());
    }

    @Test
    void theContinuationIsJoinedAsText() {
        assertEquals("Once upon a time, there", StoryWriter.join("Once upon a time", ", there"));
        assertEquals("Tom had a dog named Spot", StoryWriter.join("Tom had a dog", "named Spot\n"));
        assertEquals("Tom had a dog\nSpot", StoryWriter.join("Tom had a dog", "\nSpot"));
        assertEquals("Tom had a dog", StoryWriter.join("Tom had a dog", "  "));
    }
}

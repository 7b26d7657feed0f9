package aios.manager.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageLedgerTest {

    @TempDir
    Path dir;

    @Test
    void usageIsReadBackByANewLedger_andTakenOnce() throws Exception {
        UsageLedger ledger = new UsageLedger(dir);
        Instant registered = Instant.parse("2026-11-25T01:00:00Z");
        LiveContext alice = new LiveContext("alice", registered, 0);
        alice.syscalls.set(7);
        alice.generatedTokens.set(120);
        alice.promptTokens.set(30);
        ledger.flush(Map.of("alice", alice));

        UsageLedger again = new UsageLedger(dir);
        assertEquals(new UsageLedger.Usage(registered, 7, 120, 30), again.take("alice"));
        assertNull(again.take("alice"), "taken once: the live context counts on");
        assertNull(again.take("bob"));
    }

    @Test
    void carriedUsageStaysWrittenUntilTaken_andAForgottenAgentIsGone() throws Exception {
        UsageLedger first = new UsageLedger(dir);
        first.flush(Map.of("alice", new LiveContext("alice", Instant.EPOCH, 0),
                "bob", new LiveContext("bob", Instant.EPOCH, 0)));
        UsageLedger second = new UsageLedger(dir);
        second.forget("bob"); // unregistered after the restart
        second.flush(Map.of()); // alice not live yet: still carried, still written
        UsageLedger third = new UsageLedger(dir);
        assertEquals(Instant.EPOCH, third.take("alice").registered());
        assertNull(third.take("bob"));
    }

    @Test
    void anUnchangedLedgerIsNotRewritten() throws Exception {
        UsageLedger ledger = new UsageLedger(dir);
        LiveContext alice = new LiveContext("alice", Instant.EPOCH, 0);
        ledger.flush(Map.of("alice", alice));
        Path file = dir.resolve(UsageLedger.FILE);
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        ledger.flush(Map.of("alice", alice));
        assertEquals(0, Files.getLastModifiedTime(file).toMillis());
        alice.syscalls.incrementAndGet();
        ledger.flush(Map.of("alice", alice));
        assertTrue(Files.getLastModifiedTime(file).toMillis() > 0);
    }

    @Test
    void aDamagedLedgerIsRefusedNamingTheFile() throws Exception {
        Files.writeString(dir.resolve(UsageLedger.FILE), "alice.registered.ms=1\nalice.syscalls=seven\n");
        IOException e = assertThrows(IOException.class, () -> new UsageLedger(dir));
        assertTrue(e.getMessage().contains(dir.resolve(UsageLedger.FILE) + ": the usage of agent 'alice' is not valid"),
                e.getMessage());
    }
}

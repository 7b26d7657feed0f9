package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessListFileTest {

    @TempDir
    Path dir;

    @Test
    void withoutAFile_theListIsTheInitialOne_andWhatIsWrittenReadsBackTheSame() throws Exception {
        Path file = dir.resolve("acl.txt");
        AccessList l = AccessListFile.read(file).grant("@ops", List.of("tool:*", "syscall:tool"))
                .grant("alice", List.of("@ops", "mount:shared", "approve:irreversible"))
                .revoke("bob", List.of("@default"));
        AccessListFile.write(file, l);
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.contains("aios-acl 1"), lines.toString());
        assertTrue(lines.contains("group default syscall:llm syscall:memory syscall:storage"), lines.toString());
        assertTrue(lines.contains("agent alice @default @ops approve:irreversible mount:shared"), lines.toString());
        assertTrue(lines.contains("agent bob"), lines.toString());
        AccessList back = AccessListFile.read(file);
        assertEquals(l.effective("alice"), back.effective("alice"));
        assertEquals(l.effective("bob"), back.effective("bob"));
        assertEquals(l.effective("carol"), back.effective("carol"));
        assertEquals(List.of(), Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).toList());
    }

    @Test
    void aDamagedFile_isRefusedNamingTheFileTheLineAndTheFault() throws Exception {
        Path file = dir.resolve("acl.txt");
        Files.writeString(file, "aios-acl 1\ngroup default syscall:llm\nagent alice @default tool\n");
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> AccessListFile.read(file));
        assertTrue(e.getMessage().startsWith(file + " line 3: unknown permission 'tool'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("correct the file (or restore it from a backup) and run acl:reload"));

        Files.writeString(file, "group default syscall:llm\n");
        assertTrue(assertThrows(DamagedFileException.class, () -> AccessListFile.read(file)).getMessage()
                .startsWith(file + " line 1: the first line must be 'aios-acl 1'"));
        Files.writeString(file, "");
        assertTrue(assertThrows(DamagedFileException.class, () -> AccessListFile.read(file)).getMessage()
                .contains("it is empty"));
        Files.writeString(file, "aios-acl 1\nagent alice @ops\n");
        assertTrue(assertThrows(DamagedFileException.class, () -> AccessListFile.read(file)).getMessage()
                .contains("agent 'alice' is in group 'ops', which is not defined"));
        Files.writeString(file, "aios-acl 1\nagent alice\nagent alice tool:x\n");
        assertTrue(assertThrows(DamagedFileException.class, () -> AccessListFile.read(file)).getMessage()
                .contains("line 3: agent 'alice' is listed twice"));
        Files.write(file, new byte[] {'a', 'i', (byte) 0xff, (byte) 0xfe});
        assertTrue(assertThrows(DamagedFileException.class, () -> AccessListFile.read(file)).getMessage()
                .contains("it is not UTF-8 text"));
    }
}

package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageOperation.CreateDir;
import aios.kernel.api.syscall.StorageOperation.CreateFile;
import aios.kernel.api.syscall.StorageOperation.Delete;
import aios.kernel.api.syscall.StorageOperation.Mount;
import aios.kernel.api.syscall.StorageOperation.Read;
import aios.kernel.api.syscall.StorageOperation.Retrieve;
import aios.kernel.api.syscall.StorageOperation.Rollback;
import aios.kernel.api.syscall.StorageOperation.Write;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentFilesTest {

    @TempDir
    Path dir;
    private Database db;
    private AgentFiles files;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("storage.db"), 1000, 2);
        files = new AgentFiles(db, 1000);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private StorageResult run(String agent, StorageOperation op) throws Exception {
        return files.execute(new StorageQuery(agent, op));
    }

    private String read(String agent, String path) throws Exception {
        return run(agent, new Read(path)).content();
    }

    private long rows(String table) throws Exception {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                return r.getLong(1);
            }
        });
    }

    @Test
    void theDatabaseChecksItselfIntact_afterWrites() throws Exception {
        files.execute(new StorageQuery("alice", new Write("a.txt", "one")));
        files.execute(new StorageQuery("alice", new Write("a.txt", "two")));
        assertEquals("ok\n", new StorageCommands(files, db).check());
    }

    @Test
    void writeReadListCreateAndDelete() throws Exception {
        assertEquals(1, run("alice", new Write("notes/todo.txt", "buy milk")).version());
        assertEquals("buy milk", read("alice", "notes/todo.txt"));
        assertEquals(1, run("alice", new CreateFile("notes/empty.txt")).version());
        assertEquals("", read("alice", "notes/empty.txt"));
        run("alice", new CreateDir("notes/archive/2026"));
        assertEquals(List.of("notes/"), run("alice", new StorageOperation.List("")).entries());
        assertEquals(List.of("archive/", "empty.txt", "todo.txt"),
                run("alice", new StorageOperation.List("notes")).entries());

        assertTrue(run("alice", new CreateFile("notes/todo.txt")).message().contains("already exists (version 1)"));
        assertEquals("buy milk", read("alice", "notes/todo.txt"));

        assertEquals("deleted 'notes' and the 4 entries below it with every version",
                run("alice", new Delete("notes")).message());
        assertEquals(List.of(), run("alice", new StorageOperation.List("")).entries());
        assertEquals(0, rows("file_versions"));
        assertEquals(0, rows("files_fts"));
        assertEquals("cannot read 'notes/todo.txt': there is no such file in the storage of agent 'alice'",
                assertThrows(IllegalArgumentException.class, () -> read("alice", "notes/todo.txt")).getMessage());
    }

    @Test
    void deletingADirectoryLeavesSiblingsWithTheSamePrefix() throws Exception {
        run("alice", new Write("a/x", "1"));
        run("alice", new Write("a-b/y", "2"));
        run("alice", new Write("ab", "3"));
        run("alice", new Delete("a"));
        assertEquals(List.of("a-b/", "ab"), run("alice", new StorageOperation.List("")).entries());
    }

    @Test
    void filesAndDirectoriesDoNotMix() throws Exception {
        run("alice", new Write("f", "x"));
        run("alice", new CreateDir("d"));
        assertEquals("cannot use 'f/g': 'f' in the storage of agent 'alice' is a file, not a directory",
                assertThrows(IllegalArgumentException.class, () -> run("alice", new Write("f/g", "y"))).getMessage());
        assertEquals("cannot write 'd': it is a directory",
                assertThrows(IllegalArgumentException.class, () -> run("alice", new Write("d", "y"))).getMessage());
        assertEquals("cannot read 'd': it is a directory (list it)",
                assertThrows(IllegalArgumentException.class, () -> read("alice", "d")).getMessage());
        assertEquals("cannot list 'f': it is a file (read it)", assertThrows(IllegalArgumentException.class,
                () -> run("alice", new StorageOperation.List("f"))).getMessage());
    }

    @Test
    void everyWriteKeepsAVersion_andRollbackByCountAddsOneWithTheOldContent() throws Exception {
        for (String v : List.of("one", "two", "three")) {
            run("alice", new Write("f.txt", v));
        }
        StorageResult back = run("alice", new Rollback("f.txt", 2, null));
        assertEquals(4, back.version());
        assertEquals("rolled 'f.txt' back to the content of version 1 (now version 4)", back.message());
        assertEquals("one", read("alice", "f.txt"));
        // one step back from version 4 is version 3: a rollback can itself be undone
        assertEquals(5, run("alice", new Rollback("f.txt", 1, null)).version());
        assertEquals("three", read("alice", "f.txt"));
        List<AgentFiles.FileVersion> versions = files.versions("alice", "f.txt");
        assertEquals(List.of(1, 2, 3, 4, 5), versions.stream().map(AgentFiles.FileVersion::version).toList());
        assertTrue(versions.get(4).current());
        assertEquals(5, versions.get(4).size());

        assertEquals("cannot roll back 'f.txt' by 5 versions: it has 5 versions, so go back at most 4",
                assertThrows(IllegalArgumentException.class,
                        () -> run("alice", new Rollback("f.txt", 5, null))).getMessage());
        assertEquals("three", read("alice", "f.txt"));
    }

    @Test
    void rollbackToAPointInTimeBringsBackTheVersionCurrentThen() throws Exception {
        Instant before = Instant.now();
        Thread.sleep(2);
        run("alice", new Write("f.txt", "morning"));
        Thread.sleep(2);
        Instant noon = Instant.now();
        Thread.sleep(2);
        run("alice", new Write("f.txt", "evening"));

        assertEquals(3, run("alice", new Rollback("f.txt", 0, noon)).version());
        assertEquals("morning", read("alice", "f.txt"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("alice", new Rollback("f.txt", 0, before)))
                .getMessage().startsWith("cannot roll back 'f.txt' to " + before + ": the file did not exist yet then"));
        assertEquals("'f.txt' is already at version 3; nothing changed",
                run("alice", new Rollback("f.txt", 0, Instant.now())).message());
        assertEquals(3, files.versions("alice", "f.txt").size());
    }

    @Test
    void retrieveRanksTheAgentsFilesByRelevance_andSeesOnlyCurrentContent() throws Exception {
        run("alice", new Write("cats.txt", "cats cats cats and more cats"));
        run("alice", new Write("pets.txt", "a dog, a cat and a goldfish live in this house with many other things"));
        run("alice", new Write("cars.txt", "engines and wheels"));
        run("bob", new Write("bobs-cats.txt", "cats everywhere"));

        assertEquals(List.of("cats.txt", "pets.txt"), run("alice", new Retrieve("cat", 5)).hits());
        assertEquals(List.of("cats.txt"), run("alice", new Retrieve("cat", 1)).hits());
        // syntax in the text is text: no FTS5 error
        assertEquals(List.of("cars.txt"), run("alice", new Retrieve("wheels\" (NEAR* ^:", 5)).hits());

        run("alice", new Write("cars.txt", "now about cats"));
        run("alice", new Write("cats.txt", "nothing"));
        assertEquals(List.of("cars.txt", "pets.txt"), run("alice", new Retrieve("cats", 5)).hits());
        assertEquals("search text '*** ()' has nothing to search for: give at least one word of letters or digits",
                assertThrows(IllegalArgumentException.class, () -> run("alice", new Retrieve("*** ()", 5))).getMessage());
    }

    @Test
    void anAgentSeesOnlyItsOwnFiles() throws Exception {
        run("alice", new Write("secret.txt", "alice's"));
        run("bob", new Write("secret.txt", "bob's"));
        assertEquals("alice's", read("alice", "secret.txt"));
        assertEquals("bob's", read("bob", "secret.txt"));
        assertThrows(IllegalArgumentException.class, () -> read("carol", "secret.txt"));
        assertEquals(List.of(), run("carol", new Retrieve("alice", 5)).hits());
        run("bob", new Delete("secret.txt"));
        assertEquals("alice's", read("alice", "secret.txt"));
    }

    @Test
    void mountMakesARootThatRelativePathsResolveBelow() throws Exception {
        run("alice", new Write("top.txt", "top"));
        run("alice", new Mount("projects/p1"));
        run("alice", new Write("readme.md", "inside p1"));
        assertEquals(List.of("readme.md"), run("alice", new StorageOperation.List("")).entries());
        assertEquals(List.of("readme.md"), run("alice", new Retrieve("inside", 5)).hits());
        assertEquals(List.of(), run("alice", new Retrieve("top", 5)).hits());
        run("alice", new Mount(""));
        assertEquals("inside p1", read("alice", "projects/p1/readme.md"));
        assertEquals("top", read("alice", "top.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../bob/secret.txt", "a/../../x", "/bob/../x", "/", "//etc/passwd", "/bob//x", "/bob",
        "/../x", "a\\b", "a//b", "a/", "./a", "a\0b", ""})
    void pathsThatLeaveOrBlurTheNamespaceAreRefusedAndChangeNothing(String path) throws Exception {
        run("alice", new Write("keep.txt", "kept"));
        long files = rows("files");
        long versions = rows("file_versions");
        for (StorageOperation op : List.of(new Write(path, "x"), new CreateFile(path), new CreateDir(path),
                new Read(path), new Delete(path), new Rollback(path, 1, null))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("alice", op));
            assertTrue(e.getMessage().startsWith("path '" + path.replace("\0", "\\0") + "' is refused: "),
                    e.getMessage());
        }
        assertEquals(files, rows("files"));
        assertEquals(versions, rows("file_versions"));
        assertEquals("kept", read("alice", "keep.txt"));
    }

    @Test
    void anAbsolutePathNamesANamespace_sharedOrAnotherAgents_fromItsTop() throws Exception {
        run("alice", new Write("/shared/plan.md", "the plan"));
        assertEquals("the plan", read("bob", "/shared/plan.md"));
        assertThrows(IllegalArgumentException.class, () -> read("bob", "plan.md"));
        run("bob", new Write("secret.txt", "bob's"));
        assertEquals("bob's", read("alice", "/bob/secret.txt"), "the storage manager leaves who may to the policy");
        run("alice", new Write("mine.txt", "alice's"));
        assertEquals("alice's", read("alice", "/alice/mine.txt"));
        run("alice", new Mount("work"));
        assertEquals("the plan", read("alice", "/shared/plan.md"), "a mount root applies to relative paths only");
        assertEquals("alice's", read("alice", "/alice/mine.txt"));
        assertEquals(List.of("plan.md"), run("carol", new StorageOperation.List("/shared")).entries());
        assertEquals(List.of(), run("alice", new Retrieve("plan", 5)).hits(), "retrieve searches the agent's own files");
        assertEquals("cannot read '/shared/none': there is no such file in namespace 'shared'",
                assertThrows(IllegalArgumentException.class, () -> read("alice", "/shared/none")).getMessage());
        run("alice", new Delete("/shared/plan.md"));
        assertEquals(List.of(), run("bob", new StorageOperation.List("/shared")).entries());
    }

    @Test
    void aMountIntoAnotherNamespaceIsRefused() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("alice", new Mount("/shared")))
                .getMessage().startsWith("cannot mount '/shared': mount takes a root inside the agent's own storage"));
        assertEquals(0, rows("agents"));
    }

    @Test
    void aMountOutsideTheNamespaceIsRefused() throws Exception {
        assertEquals("path '../bob' is refused: it has a '..' segment: paths may not leave or re-enter the agent's "
                + "storage; name the file from the storage root",
                assertThrows(IllegalArgumentException.class, () -> run("alice", new Mount("../bob"))).getMessage());
        assertEquals(0, rows("agents"));
    }

    @Test
    void contentOverTheLimitIsRefusedWithTheSizesAndNothingWritten() throws Exception {
        run("alice", new Write("f", "small"));
        String big = "é".repeat(501); // 1002 bytes of UTF-8, 501 characters
        assertEquals("cannot write 'f': 1002 bytes is more than the limit of 1000 (file.max.bytes in aios.storage); "
                        + "nothing was written",
                assertThrows(IllegalArgumentException.class, () -> run("alice", new Write("f", big))).getMessage());
        assertEquals("small", read("alice", "f"));
        assertEquals(1, files.versions("alice", "f").size());
    }

    @Test
    void listingShowsVersionsAndSizes() throws Exception {
        run("alice", new Write("d/a.txt", "12345"));
        run("alice", new Write("d/a.txt", "123"));
        List<AgentFiles.Listed> l = files.listing("alice", "d");
        assertEquals(1, l.size());
        assertEquals("a.txt", l.get(0).name());
        assertEquals(2, l.get(0).version());
        assertEquals(3, l.get(0).size());
    }
}

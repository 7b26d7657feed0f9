package aios.tool.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.tool.ToolInvocation;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FileToolsTest {

    static final FilesConfig DEFAULTS = new FilesConfig() {
        public Class<? extends Annotation> annotationType() {
            return FilesConfig.class;
        }

        public int parallelism() {
            return 4;
        }

        public long timeout_ms() {
            return 30_000;
        }
    };

    /** Files per agent in a map; paths as the storage manager sees them (here: no checks). */
    static final class MapStorage implements AgentStorage {
        final Map<String, String> files = new TreeMap<>();
        final List<String> agents = new ArrayList<>();

        public StorageResult run(String agent, StorageOperation op) {
            agents.add(agent);
            return switch (op) {
                case StorageOperation.Write w -> {
                    files.put(agent + "/" + w.path(), w.content());
                    yield new StorageResult("written", null, List.of(), List.of(), 1);
                }
                case StorageOperation.Read r -> {
                    String content = files.get(agent + "/" + r.path());
                    if (content == null) {
                        throw new IllegalArgumentException("file '" + r.path() + "' of agent '" + agent
                                + "' does not exist");
                    }
                    yield new StorageResult("read", content, List.of(), List.of(), 1);
                }
                case StorageOperation.List l -> new StorageResult("listed", null, files.keySet().stream()
                        .filter(k -> k.startsWith(agent + "/")).map(k -> k.substring(agent.length() + 1)).toList(),
                        List.of(), 0);
                default -> throw new UnsupportedOperationException(op.name());
            };
        }
    }

    @Test
    void theToolsActOnTheCallersOwnFiles_whateverTheArgumentsSay() throws Exception {
        MapStorage storage = new MapStorage();
        FileWrite write = new FileWrite(storage, DEFAULTS);
        FileRead read = new FileRead(storage, DEFAULTS);
        FileList list = new FileList(storage, DEFAULTS);

        assertEquals("{\"path\":\"notes/plan.md\",\"version\":1}", write.invoke(new ToolInvocation("alice", "1",
                "{\"path\": \"notes/plan.md\", \"content\": \"step one\"}")));
        assertEquals("step one", read.invoke(new ToolInvocation("alice", "2", "{\"path\": \"notes/plan.md\"}")));
        assertEquals("{\"path\":\"\",\"entries\":[\"notes/plan.md\"]}", list.invoke(new ToolInvocation("alice", "3",
                "{}")));
        var e = assertThrows(IllegalArgumentException.class,
                () -> read.invoke(new ToolInvocation("bob", "4", "{\"path\": \"notes/plan.md\"}")));
        assertEquals("file 'notes/plan.md' of agent 'bob' does not exist", e.getMessage());
        assertEquals(List.of("alice", "alice", "alice", "bob"), storage.agents);
        assertEquals(Duration.ofSeconds(30), read.timeout());
        assertEquals(List.of("file_read", "file_write", "file_list"), List.of(read.name(), write.name(), list.name()));
        assertTrue(write.reversible(), "every write keeps the previous version");
    }

    /** A kernel whose storage syscalls complete with {@code result}, or never when it is null. */
    private static Kernel kernel(List<Object> submitted, CompletableFuture<SyscallResult> result, List<Long> cancelled) {
        SyscallHandle handle = (SyscallHandle) Proxy.newProxyInstance(FileToolsTest.class.getClassLoader(),
                new Class<?>[] {SyscallHandle.class}, (p, m, a) -> switch (m.getName()) {
                    case "id" -> 7L;
                    case "result" -> result;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (Kernel) Proxy.newProxyInstance(FileToolsTest.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (p, m, a) -> switch (m.getName()) {
                    case "submit" -> {
                        submitted.add(a[0]);
                        yield handle;
                    }
                    case "cancel" -> {
                        cancelled.add((Long) a[0]);
                        yield true;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void throughTheKernel_eachOperationIsAStorageSyscallOfTheCaller_andItsErrorIsTheTools() throws Exception {
        List<Object> submitted = new ArrayList<>();
        CompletableFuture<SyscallResult> failed = new CompletableFuture<>();
        failed.completeExceptionally(new SyscallException("storage path '../b/x' of agent 'alice' leaves the agent's"
                + " namespace ('..'): give a path inside it"));
        FileRead read = new FileRead(kernel(submitted, failed, new ArrayList<>()), DEFAULTS);
        var e = assertThrows(IllegalStateException.class,
                () -> read.invoke(new ToolInvocation("alice", "1", "{\"path\": \"../b/x\"}")));
        assertTrue(e.getMessage().startsWith("storage path '../b/x' of agent 'alice' leaves"), e.getMessage());
        assertEquals(List.of(new StorageQuery("alice", new StorageOperation.Read("../b/x"))), submitted);
    }

    @Test
    void anInterruptedCall_cancelsItsStorageSyscall() throws Exception {
        List<Long> cancelled = new ArrayList<>();
        FileRead read = new FileRead(kernel(new ArrayList<>(), new CompletableFuture<>(), cancelled), DEFAULTS);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                read.invoke(new ToolInvocation("alice", "1", "{\"path\": \"a\"}"));
            } catch (InterruptedException expected) {
                done.countDown();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(50);
        t.interrupt();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(7L), cancelled);
    }
}

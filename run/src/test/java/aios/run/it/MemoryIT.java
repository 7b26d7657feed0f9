package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static aios.run.it.LocalModelIT.props;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.storage.NoteStore;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.SyscallResult;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The shipped memory manager in the assembled kernel: it serves memory syscalls once a note store is there (this
 * test brings a small one in memory when the assembly has none), evicts past its global limit without losing a
 * note, refuses past an agent's quota, and frees an agent's memory when the kernel unregisters it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MemoryIT {

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** A note store kept in a map; search ranks by how often the text occurs in a note. */
    static final class MapNoteStore implements NoteStore {
        private final Map<String, Note> notes = new ConcurrentHashMap<>();

        public void put(Note note) {
            notes.put(note.agent() + "/" + note.id(), note);
        }

        public Optional<Note> get(String agent, String id) {
            return Optional.ofNullable(notes.get(agent + "/" + id));
        }

        public boolean remove(String agent, String id) {
            return notes.remove(agent + "/" + id) != null;
        }

        public int removeAll(String agent) {
            List<String> keys = notes.keySet().stream().filter(k -> k.startsWith(agent + "/")).toList();
            keys.forEach(notes::remove);
            return keys.size();
        }

        public List<Found> search(String agent, String text, Map<String, String> filter, int k) {
            return notes.values().stream().filter(n -> n.agent().equals(agent))
                    .filter(n -> n.metadata().entrySet().containsAll(filter.entrySet()))
                    .map(n -> new Found(n, n.content().split(Pattern.quote(text), -1).length - 1)).filter(f -> f.rank() > 0)
                    .sorted(Comparator.comparingDouble(Found::rank).reversed()).limit(k).toList();
        }

        public List<Note> list(String agent, int limit) {
            return notes.values().stream().filter(n -> n.agent().equals(agent))
                    .sorted(Comparator.comparing(Note::updated).reversed()).limit(limit).toList();
        }
    }

    private static MemoryResult run(Kernel kernel, String agent, MemoryOperation op) throws Exception {
        SyscallResult r = kernel.submit(new MemoryQuery(agent, op)).result().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return switch (r) {
            case MemoryResult m -> m;
            default -> throw new AssertionError("a memory syscall answered " + r);
        };
    }

    @Test
    public void memorySyscallsRunOnceANoteStoreIsThere_evictionLosesNothing_andTheQuotaRefuses() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(MemoryIT.class).getBundleContext();
        Kernel kernel = context.getService(context.getServiceReference(Kernel.class));
        String agent = "memit-" + System.nanoTime(); // a durable store may hold notes of earlier runs
        kernel.register(agent);

        if (context.getServiceReference(NoteStore.class) == null) {
            assertEquals("no note store, no memory manager", null, context.getServiceReference(MemoryManager.class));
            try {
                kernel.submit(new MemoryQuery(agent, new MemoryOperation.Add("lost?", null)));
                throw new AssertionError("a memory syscall was accepted without a memory manager");
            } catch (SyscallRejectedException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("no memory manager is installed"));
            }
            context.registerService(NoteStore.class, new MapNoteStore(), null);
        }
        await("the memory manager", () -> context.getServiceReference(MemoryManager.class));

        List<Event> events = new CopyOnWriteArrayList<>();
        context.registerService(EventHandler.class, events::add, props(EventConstants.EVENT_TOPIC, "aios/memory/*"));
        Hashtable<String, Object> small = new Hashtable<>();
        small.put("limit.global.bytes", 30L);
        small.put("evict.target.percent", 100);
        small.put("quota.agent.bytes", 50L);
        ConfigurationAdmin ca = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        ca.getConfiguration("aios.memory", "?").update(small);
        Object commands = await("the mem: commands", () -> {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.scope=mem)");
            return refs == null ? null : context.getService(refs[0]);
        });
        await("the memory limit configured", () -> stat(commands).contains("limit 30 ") ? true : null);

        String[] ids = new String[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = run(kernel, agent, new MemoryOperation.Add("note " + i + " ...", Map.of())).id(); // 10 bytes
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("note " + i + " ...", run(kernel, agent, new MemoryOperation.Get(ids[i])).content());
        }
        // events arrive asynchronously
        await("the eviction event", () -> events.stream().anyMatch(e -> e.getTopic().equals(KernelEvents.MEMORY_EVICTED)
                && agent.equals(e.getProperty(KernelEvents.AGENT))) ? true : null);
        // the best match first, an evicted note included (the real store ranks every note with a word in common)
        assertEquals(ids[3], run(kernel, agent, new MemoryOperation.Retrieve("note 3", 5, null)).hits()
                .getFirst().id());

        try {
            run(kernel, agent, new MemoryOperation.Add("one note too many", Map.of()));
            throw new AssertionError("the quota let a note through");
        } catch (ExecutionException e) {
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("would pass its memory quota")
                    && e.getCause().getMessage().contains("quota.agent.bytes"));
        }
        await("the quota event", () -> events.stream()
                .filter(e -> e.getTopic().equals(KernelEvents.MEMORY_QUOTA_EXCEEDED)).findFirst().orElse(null));

        assertTrue(stat(commands), stat(commands).contains(agent + "  3 "));
        kernel.unregister(agent);
        assertTrue(stat(commands), stat(commands).contains(agent + "  0 "));
        kernel.register(agent);
        assertEquals("note 0 ...", run(kernel, agent, new MemoryOperation.Get(ids[0])).content());
        ca.getConfiguration("aios.memory", "?").delete();
    }

    private static String stat(Object commands) throws Exception {
        return (String) commands.getClass().getMethod("stat").invoke(commands);
    }
}

package aios.manager.memory;

import aios.kernel.api.storage.NoteStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A real note store kept in memory, for tests: it holds what it is given, like the durable one, and ranks a search by
 * term frequency (how often the query's words occur in a note). {@link #failWrites} makes every write fail, as a full
 * disk would; {@link #slow} makes reads and writes give up the processor half-way, as a disk takes its time (which
 * is when threads of the caller interleave).
 */
final class TermFrequencyNoteStore implements NoteStore {

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Note>> notes = new ConcurrentHashMap<>();
    volatile boolean failWrites;
    volatile boolean slow;

    @Override
    public void put(Note note) {
        if (failWrites) {
            throw new IllegalStateException("disk full: note '" + note.id() + "' was not written");
        }
        pause();
        notes.computeIfAbsent(note.agent(), a -> new ConcurrentHashMap<>()).put(note.id(), note);
    }

    @Override
    public Optional<Note> get(String agent, String id) {
        Note note = of(agent).get(id);
        pause();
        return Optional.ofNullable(note);
    }

    @Override
    public boolean remove(String agent, String id) {
        if (failWrites) {
            throw new IllegalStateException("disk full: note '" + id + "' was not removed");
        }
        return of(agent).remove(id) != null;
    }

    @Override
    public int removeAll(String agent) {
        Map<String, Note> gone = notes.remove(agent);
        return gone == null ? 0 : gone.size();
    }

    @Override
    public List<Found> search(String agent, String text, Map<String, String> filter, int k) {
        List<String> terms = words(text);
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("search text '" + text + "' has no words");
        }
        List<Found> found = new ArrayList<>();
        for (Note n : of(agent).values()) {
            if (!n.metadata().entrySet().containsAll(filter.entrySet())) {
                continue;
            }
            List<String> words = words(n.content());
            double rank = 0;
            for (String t : terms) {
                rank += words.stream().filter(t::equals).count();
            }
            if (rank > 0) {
                found.add(new Found(n, rank));
            }
        }
        found.sort(Comparator.comparingDouble(Found::rank).reversed().thenComparing(f -> f.note().id()));
        return List.copyOf(found.subList(0, Math.min(k, found.size())));
    }

    @Override
    public List<Note> list(String agent, int limit) {
        return of(agent).values().stream().sorted(Comparator.comparing(Note::updated).reversed()).limit(limit).toList();
    }

    private void pause() {
        if (slow) {
            Thread.yield();
            LockSupport.parkNanos(20_000);
        }
    }

    int size(String agent) {
        return of(agent).size();
    }

    private Map<String, Note> of(String agent) {
        return notes.getOrDefault(agent, new ConcurrentHashMap<>());
    }

    private static List<String> words(String s) {
        return List.of(s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).stream().filter(w -> !w.isEmpty())
                .toList();
    }
}

package aios.manager.memory;

import aios.kernel.api.storage.NoteStore;
import aios.kernel.api.syscall.MemoryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Orders the note store's full-text matches by a score that mixes how well each matches with how recently it was
 * updated: {@code (1 - weight) * relevance + weight * 0.5^(age / halfLife)}, both parts from 0 to 1. Relevance is
 * the store's rank relative to the best candidate's (rank / best when every rank is positive, min-max scaled
 * otherwise, since stores differ in the sign of their ranks). Equal scores keep the store's order.
 */
record RecencyRanking(double weight, Duration halfLife) {

    static RecencyRanking of(MemorySettings s) {
        return new RecencyRanking(s.recencyWeight(), s.halfLife());
    }

    List<MemoryResult.Hit> rank(List<NoteStore.Found> found, Instant now, int k) {
        double min = found.stream().mapToDouble(NoteStore.Found::rank).min().orElse(0);
        double max = found.stream().mapToDouble(NoteStore.Found::rank).max().orElse(0);
        return found.stream()
                .map(f -> new MemoryResult.Hit(f.note().id(), f.note().content(), f.note().metadata(),
                        score(relevance(f.rank(), min, max), f.note().updated(), now)))
                .sorted(Comparator.comparingDouble(MemoryResult.Hit::score).reversed())
                .limit(k)
                .toList();
    }

    private static double relevance(double rank, double min, double max) {
        if (min > 0) {
            return rank / max;
        }
        return max > min ? (rank - min) / (max - min) : 1;
    }

    double score(double relevance, Instant updated, Instant now) {
        double age = Math.max(0, Duration.between(updated, now).toMillis());
        double recency = Math.pow(0.5, age / halfLife.toMillis());
        return (1 - weight) * relevance + weight * recency;
    }
}

package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class RowTeamTest {

    @Test
    void everyChunkRunsOnceBeforeRunReturns_withManyCallersSharingTheHelpers() throws Exception {
        RowTeam team = new RowTeam(2);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int caller = 0; caller < 4; caller++) {
                long seed = caller;
                done.add(callers.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int job = 0; job < 300; job++) {
                        int chunks = random.nextInt(1, 40);
                        AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                        team.run(chunks, c -> {
                            runs.incrementAndGet(c);
                            Thread.onSpinWait();
                        });
                        for (int c = 0; c < chunks; c++) {
                            assertEquals(1, runs.get(c), "chunk " + c + " of " + chunks);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aCallerFinishesAloneWhileTheHelpersAreBusyElsewhere() throws Exception {
        RowTeam team = new RowTeam(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothStuck = new CountDownLatch(2);
        Thread blocked = new Thread(() -> team.run(2, c -> { // its caller and the helper each hold a chunk
            bothStuck.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        blocked.start();
        try {
            assertTrue(bothStuck.await(10, TimeUnit.SECONDS), "the helper took the second chunk");
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            team.run(10, runs::incrementAndGet);
            for (int c = 0; c < 10; c++) {
                assertEquals(1, runs.get(c));
            }
        } finally {
            release.countDown();
            blocked.join(10_000);
        }
    }

    @Test
    void whatAChunkThrowsReachesTheCallerAfterTheOtherChunksRan() {
        RowTeam team = new RowTeam(1);
        IllegalStateException failure = new IllegalStateException("chunk 3");
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> team.run(8, c -> {
            runs.incrementAndGet(c);
            if (c == 3) {
                throw failure;
            }
        }));
        assertSame(failure, thrown);
        for (int c = 0; c < 8; c++) {
            assertEquals(1, runs.get(c));
        }
    }
}

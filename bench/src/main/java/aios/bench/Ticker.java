package aios.bench;

import java.time.Duration;

/** Runs a progress report at a fixed period on a thread of its own, until closed; for long benchmark phases. */
final class Ticker implements AutoCloseable {

    private final Thread thread;

    private Ticker(Thread thread) {
        this.thread = thread;
    }

    static Ticker every(Duration period, Runnable report) {
        return new Ticker(Thread.ofPlatform().daemon(true).name("bench-progress").start(() -> {
            try {
                for (;;) {
                    Thread.sleep(period);
                    report.run();
                }
            } catch (InterruptedException e) {
                // closed: stop reporting
            }
        }));
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}

package dev.weft.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** Starts the baselines' producer and consumer threads and waits for them. */
final class Workers {

  interface Body {
    void run() throws Exception;
  }

  private final boolean virtual;
  private final List<Thread> threads = new ArrayList<>();

  Workers(boolean virtual) {
    this.virtual = virtual;
  }

  Workers start(Body body) {
    Runnable r = () -> {
      try {
        body.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    threads.add(virtual ? Thread.ofVirtual().start(r) : Thread.ofPlatform().start(r));
    return this;
  }

  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }
}

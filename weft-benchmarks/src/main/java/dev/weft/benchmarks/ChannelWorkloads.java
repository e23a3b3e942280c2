package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;

/**
 * The channel workloads, written once: items flow from producers through {@code stages} pipes to
 * consumers. Weft runs them as tasks of one run; the baselines on plain threads.
 */
final class ChannelWorkloads {

  static final Integer ITEM = 42;

  private ChannelWorkloads() {}

  /** Producers send {@code items} in total through the first pipe; each stage forwards. */
  static void onThreads(boolean virtual, Pipes[] pipes, int producers, int consumers, int items)
      throws InterruptedException {
    Workers w = new Workers(virtual);
    for (int p = 0; p < producers; p++) {
      w.start(() -> {
        for (int i = items / producers; i > 0; i--) {
          pipes[0].put(ITEM);
        }
      });
    }
    for (int s = 1; s < pipes.length; s++) {
      Pipes in = pipes[s - 1];
      Pipes out = pipes[s];
      w.start(() -> {
        for (int i = items; i > 0; i--) {
          out.put(in.take());
        }
      });
    }
    Pipes last = pipes[pipes.length - 1];
    for (int c = 0; c < consumers; c++) {
      w.start(() -> {
        for (int i = items / consumers; i > 0; i--) {
          last.take();
        }
      });
    }
    w.join();
  }

  static void onWeft(Backend backend, java.util.function.IntFunction<Pipes> pipe, int buffer,
      int stages, int producers, int consumers, int items) {
    Weft.run(backend, () -> {
      Pipes[] pipes = new Pipes[stages];
      for (int s = 0; s < stages; s++) {
        pipes[s] = pipe.apply(buffer);
      }
      TaskGroup.run(group -> {
        for (int p = 0; p < producers; p++) {
          group.startSoon(() -> {
            for (int i = items / producers; i > 0; i--) {
              pipes[0].put(ITEM);
            }
          });
        }
        for (int s = 1; s < stages; s++) {
          Pipes in = pipes[s - 1];
          Pipes out = pipes[s];
          group.startSoon(() -> {
            for (int i = items; i > 0; i--) {
              out.put(in.take());
            }
          });
        }
        for (int c = 0; c < consumers; c++) {
          group.startSoon(() -> {
            for (int i = items / consumers; i > 0; i--) {
              pipes[stages - 1].take();
            }
          });
        }
      });
      for (Pipes p : pipes) {
        p.close();
      }
      return null;
    });
  }
}

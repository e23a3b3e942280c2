package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.internal.core.Waiter;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.Lock;
import dev.weft.task.TaskGroup;
import java.time.Duration;

/**
 * The stand-alone loops behind the profiles in docs/benchmarks.md: one workload, 8 rounds, each
 * round's rate and the parks so far. Not a benchmark (JMH is): a loop to run under JFR, or with
 * {@code -Djdk.virtualThreadScheduler.parallelism}, and read.
 *
 * <pre>
 * java -cp weft-benchmarks/target/classes:$(cat bench.cp) dev.weft.benchmarks.StandaloneLoops &lt;workload&gt; [buffer]
 * </pre>
 *
 * Workloads: {@code stream} (one producer, one consumer, 1 M items; buffer 0 by default, -1 for
 * unbounded), {@code many} (four and four, 1 M items; buffer 1024 by default), {@code scopes},
 * {@code deadlines} and {@code spawn} (two tasks, as {@link ScalingBenchmark}), {@code lock} (four
 * tasks, 400,000 acquisitions).
 */
public final class StandaloneLoops {

  private StandaloneLoops() {}

  public static void main(String[] args) {
    String workload = args.length > 0 ? args[0] : "stream";
    int buffer = args.length > 1 ? Integer.parseInt(args[1]) : workload.equals("many") ? 1024 : 0;
    for (int round = 0; round < 8; round++) {
      long start = System.nanoTime();
      long operations = run(workload, buffer);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%s round %d: %.2f M operations/s, parks so far %d%n",
          workload, round, operations / seconds / 1e6, Waiter.parks());
    }
  }

  private static long run(String workload, int buffer) {
    switch (workload) {
      case "stream" -> {
        Weft.run(() -> pipe(buffer, 1, 1_000_000));
        return 1_000_000;
      }
      case "many" -> {
        Weft.run(() -> pipe(buffer, 4, 250_000));
        return 1_000_000;
      }
      case "scopes", "deadlines", "spawn" -> {
        Weft.run(() -> TaskGroup.run(g -> {
          for (int t = 0; t < 2; t++) {
            g.startSoon(() -> twoTaskLoop(workload));
          }
        }));
        return workload.equals("spawn") ? 2 * 2_000 * 100 : 2 * 1_000_000;
      }
      case "lock" -> {
        Lock lock = new Lock();
        Weft.run(() -> TaskGroup.run(g -> {
          for (int t = 0; t < 4; t++) {
            g.startSoon(() -> {
              for (int i = 0; i < 100_000; i++) {
                lock.withLock(() -> {});
              }
            });
          }
        }));
        return 400_000;
      }
      default -> throw new IllegalArgumentException(
          "workload must be stream, many, scopes, deadlines, spawn or lock: " + workload);
    }
  }

  /** {@code pairs} producers and as many consumers move {@code perProducer} items each. */
  private static void pipe(int buffer, int pairs, int perProducer) {
    MemoryStream<Integer> stream =
        buffer < 0 ? MemoryStream.unbounded() : MemoryStream.create(buffer);
    try (MemorySendStream<Integer> tx = stream.sendStream();
        MemoryReceiveStream<Integer> rx = stream.receiveStream()) {
      TaskGroup.run(g -> {
        for (int p = 0; p < pairs; p++) {
          MemorySendStream<Integer> producer = tx.clone();
          MemoryReceiveStream<Integer> consumer = rx.clone();
          g.startSoon(() -> {
            try (producer) {
              for (int i = 0; i < perProducer; i++) {
                producer.send(ChannelWorkloads.ITEM);
              }
            }
          });
          g.startSoon(() -> {
            try (consumer) {
              for (Integer ignored : consumer) {
                // drain
              }
            }
          });
        }
        tx.close();
        rx.close();
      });
    }
  }

  private static void twoTaskLoop(String workload) {
    switch (workload) {
      case "scopes" -> {
        for (int i = 0; i < 1_000_000; i++) {
          CancelScope.create().run(() -> {});
        }
      }
      case "deadlines" -> {
        for (int i = 0; i < 1_000_000; i++) {
          CancelScope.withTimeout(Duration.ofSeconds(30)).run(() -> {});
        }
      }
      default -> {
        for (int group = 0; group < 2_000; group++) {
          TaskGroup.run(g -> {
            for (int c = 0; c < 100; c++) {
              g.startSoon(() -> {});
            }
          });
        }
      }
    }
  }
}

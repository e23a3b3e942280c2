package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The workload of the AnyIO 4.4.0 deadlock, the scenario that motivated Weft: a producer and a
 * consumer on a rendezvous (buffer 0), the consumer receiving each item inside a shielded scope.
 * The report compares it with jox's rendezvous channel from the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ShieldedReceiverBenchmark {

  static final int ITEMS = 100_000;

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void weft() {
    Weft.run(Backend.virtualThreads(), () -> {
      MemoryStream<Integer> stream = MemoryStream.create(0);
      try (MemorySendStream<Integer> tx = stream.sendStream();
          MemoryReceiveStream<Integer> rx = stream.receiveStream()) {
        TaskGroup.run(group -> {
          group.startSoon(() -> {
            for (int i = 0; i < ITEMS; i++) {
              tx.send(ChannelWorkloads.ITEM);
            }
          });
          group.startSoon(() -> {
            for (int i = 0; i < ITEMS; i++) {
              CancelScope.shielded().run(rx::receive);
            }
          });
        });
      }
      return null;
    });
  }
}

package dev.weft.benchmarks;

import dev.weft.spi.Backend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Items pass a pipeline of four channels (buffer 16) and three forwarding stages; items/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBenchmark {

  static final int ITEMS = 50_000;
  static final int STAGES = 4;
  static final int BUFFER = 16;

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void weft() {
    ChannelWorkloads.onWeft(Backend.virtualThreads(), Pipes::weft, BUFFER, STAGES, 1, 1, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jdkQueue() throws InterruptedException {
    ChannelWorkloads.onThreads(true, pipes(Pipes::jdkQueue), 1, 1, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jox() throws InterruptedException {
    ChannelWorkloads.onThreads(true, pipes(Pipes::jox), 1, 1, ITEMS);
  }

  private static Pipes[] pipes(java.util.function.IntFunction<Pipes> make) {
    Pipes[] p = new Pipes[STAGES];
    for (int i = 0; i < STAGES; i++) {
      p[i] = make.apply(BUFFER);
    }
    return p;
  }
}

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

/** For reference: one producer, one consumer, buffer 16, on platform threads; items/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PlatformThreadsBenchmark {

  static final int ITEMS = 100_000;
  static final int BUFFER = 16;

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void weft() {
    ChannelWorkloads.onWeft(Backend.platformThreads(), Pipes::weft, BUFFER, 1, 1, 1, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jdkQueue() throws InterruptedException {
    ChannelWorkloads.onThreads(false, new Pipes[] {Pipes.jdkQueue(BUFFER)}, 1, 1, ITEMS);
  }
}

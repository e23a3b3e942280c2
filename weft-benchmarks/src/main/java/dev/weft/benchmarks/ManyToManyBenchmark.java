package dev.weft.benchmarks;

import dev.weft.spi.Backend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Four producers and four consumers on virtual threads share one channel; items per second. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ManyToManyBenchmark {

  static final int ITEMS = 100_000;

  @Param({"0", "16", "1024"})
  public int buffer;

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void weft() {
    ChannelWorkloads.onWeft(Backend.virtualThreads(), Pipes::weft, buffer, 1, 4, 4, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jdkQueue() throws InterruptedException {
    ChannelWorkloads.onThreads(true, new Pipes[] {Pipes.jdkQueue(buffer)}, 4, 4, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jox() throws InterruptedException {
    ChannelWorkloads.onThreads(true, new Pipes[] {Pipes.jox(buffer)}, 4, 4, ITEMS);
  }
}

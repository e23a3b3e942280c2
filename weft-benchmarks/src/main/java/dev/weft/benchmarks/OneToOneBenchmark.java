package dev.weft.benchmarks;

import dev.weft.spi.Backend;
import java.util.concurrent.TimeUnit;
import dev.weft.internal.core.Waiter;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One producer and one consumer, each on a virtual thread, move {@value #ITEMS} items; the score
 * is items per second. Buffer 0 is a rendezvous, -1 unbounded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OneToOneBenchmark {

  static final int ITEMS = 100_000;

  @Param({"0", "1", "16", "1024", "-1"})
  public int buffer;

  /** Weft's parks, reported beside its throughput: the report divides the two (parks per item). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Parks {
    public long parks;
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void weft(Parks counters) {
    long before = Waiter.parks();
    ChannelWorkloads.onWeft(Backend.virtualThreads(), Pipes::weft, buffer, 1, 1, 1, ITEMS);
    counters.parks += Waiter.parks() - before;
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jdkQueue() throws InterruptedException {
    ChannelWorkloads.onThreads(true, new Pipes[] {Pipes.jdkQueue(buffer)}, 1, 1, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void linkedTransferQueue() throws InterruptedException {
    ChannelWorkloads.onThreads(true, new Pipes[] {Pipes.linkedTransferQueue(buffer)}, 1, 1, ITEMS);
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void jox() throws InterruptedException {
    ChannelWorkloads.onThreads(true, new Pipes[] {Pipes.jox(buffer)}, 1, 1, ITEMS);
  }
}

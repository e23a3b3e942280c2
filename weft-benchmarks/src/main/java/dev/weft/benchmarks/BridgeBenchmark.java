package dev.weft.benchmarks;

import dev.weft.BlockingPortal;
import dev.weft.Weft;
import dev.weft.Workers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Crossing between Weft and other threads, one call at a time (issue 12's goals: >= 0.8x each
 * baseline): a task's {@code Workers.run} round trip against {@code ExecutorService.submit().get()}
 * on a fixed pool from a virtual thread; and a platform thread's {@code BlockingPortal.call} against
 * {@code CompletableFuture.supplyAsync(..., virtual-thread executor).get()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BridgeBenchmark {

  static final int CALLS = 10_000;

  private ExecutorService fixedPool;
  private ExecutorService virtualThreads;
  private BlockingPortal portal;

  @Setup
  public void setUp() {
    fixedPool = Executors.newFixedThreadPool(4);
    virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    portal = BlockingPortal.start();
  }

  @TearDown
  public void tearDown() {
    portal.close();
    fixedPool.shutdownNow();
    virtualThreads.shutdownNow();
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public long workerCallFromATask() {
    return Weft.run(() -> {
      long sum = 0;
      for (int i = 0; i < CALLS; i++) {
        int n = i;
        sum += Workers.run(() -> n);
      }
      return sum;
    });
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public long fixedPoolFromAVirtualThread() throws Exception {
    CompletableFuture<Long> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      long sum = 0;
      try {
        for (int i = 0; i < CALLS; i++) {
          int n = i;
          sum += fixedPool.submit(() -> n).get();
        }
        result.complete(sum);
      } catch (InterruptedException | ExecutionException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get();
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public long portalCallFromAPlatformThread() {
    long sum = 0;
    for (int i = 0; i < CALLS; i++) {
      int n = i;
      sum += portal.call(() -> n);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public long supplyAsyncOnVirtualThreads() throws Exception {
    long sum = 0;
    for (int i = 0; i < CALLS; i++) {
      int n = i;
      sum += CompletableFuture.supplyAsync(() -> n, virtualThreads).get();
    }
    return sum;
  }
}

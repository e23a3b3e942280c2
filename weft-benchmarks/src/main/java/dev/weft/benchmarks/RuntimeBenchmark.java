package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The runtime's own costs, in nanoseconds per operation. Each invocation runs a loop inside one
 * Weft run (a JMH thread is not a Weft task), so the run's start is spread over many operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RuntimeBenchmark {

  static final int LOOP = 100_000;
  static final int CHILDREN = 10_000;
  static final Duration HOUR = Duration.ofHours(1);

  @Benchmark
  @OperationsPerInvocation(LOOP)
  public void checkpoint() {
    Weft.run(() -> {
      for (int i = 0; i < LOOP; i++) {
        Weft.checkpoint();
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(LOOP)
  public void cancelScopeEnterExit(Blackhole bh) {
    Weft.run(() -> {
      for (int i = 0; i < LOOP; i++) {
        CancelScope scope = CancelScope.create();
        scope.run(() -> {});
        bh.consume(scope);
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(LOOP)
  public void cancelScopeWithDeadlineEnterExit(Blackhole bh) {
    Weft.run(() -> {
      for (int i = 0; i < LOOP; i++) {
        CancelScope scope = CancelScope.withTimeout(HOUR);
        scope.run(() -> {});
        bh.consume(scope);
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(LOOP)
  public void moveOnAfterThatDoesNotFire(Blackhole bh) {
    Weft.run(() -> {
      for (int i = 0; i < LOOP; i++) {
        bh.consume(Timeouts.moveOnAfter(HOUR, () -> {}));
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(CHILDREN)
  public void taskGroupSpawnAndJoin() {
    Weft.run(() -> {
      TaskGroup.run(group -> {
        for (int i = 0; i < CHILDREN; i++) {
          group.startSoon(() -> {});
        }
      });
      return null;
    });
  }

  private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();

  /**
   * Raw virtual threads that, like a Weft task, set and remove one thread-local: how much of
   * spawn+join is the per-thread {@code ThreadLocalMap} (Java 21 has no final ScopedValue).
   */
  @Benchmark
  @OperationsPerInvocation(CHILDREN)
  public void rawVirtualThreadsWithAThreadLocal() throws InterruptedException {
    Thread[] threads = new Thread[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
      Object task = new Object();
      threads[i] = Thread.ofVirtual().start(() -> {
        CURRENT.set(task);
        CURRENT.remove();
      });
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  @Benchmark
  @OperationsPerInvocation(CHILDREN)
  public void rawVirtualThreadsStartAndJoin() throws InterruptedException {
    Thread[] threads = new Thread[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
      threads[i] = Thread.ofVirtual().start(() -> {});
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * The same from a virtual thread, as a Weft task spawns: the like-for-like baseline for {@link
   * #taskGroupSpawnAndJoin} (a platform spawner hands every start to the scheduler from outside
   * and leaves both carriers to the children).
   */
  @Benchmark
  @OperationsPerInvocation(CHILDREN)
  public void rawVirtualThreadsStartAndJoinFromAVirtualThread() throws InterruptedException {
    Thread spawner = Thread.ofVirtual().start(() -> {
      try {
        rawVirtualThreadsStartAndJoin();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    spawner.join();
  }
}

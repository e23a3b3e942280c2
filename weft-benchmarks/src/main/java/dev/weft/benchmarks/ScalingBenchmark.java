package dev.weft.benchmarks;

import dev.weft.ThrowingRunnable;
import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.task.TaskGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Does one run get faster with a second core? {@value #TASKS} tasks of one run each enter and leave
 * cancel scopes (plain, or with a deadline that does not fire), or spawn and join groups of empty
 * children, on a virtual-thread scheduler of one carrier and of two
 * ({@code -Djdk.virtualThreadScheduler.parallelism}, one JVM fork each). Operations per second
 * over all tasks; the report divides the two-carrier figure by the one-carrier one (ADR 0007). The
 * same spawn+join done with raw virtual threads (two spawning threads, no Weft) shows how far the
 * JDK's own thread start and join scale on the same machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScalingBenchmark {

  static final int TASKS = 2;
  static final int LOOP = 200_000;
  static final int GROUPS = 200;
  static final int CHILDREN = 100;
  static final Duration THIRTY_SECONDS = Duration.ofSeconds(30);

  private static final String ONE = "-Djdk.virtualThreadScheduler.parallelism=1";
  private static final String TWO = "-Djdk.virtualThreadScheduler.parallelism=2";

  @Benchmark
  @Fork(jvmArgsAppend = ONE)
  @OperationsPerInvocation(TASKS * LOOP)
  public void scopes1Carrier() {
    inTasks(ScalingBenchmark::plainScopes);
  }

  @Benchmark
  @Fork(jvmArgsAppend = TWO)
  @OperationsPerInvocation(TASKS * LOOP)
  public void scopes2Carriers() {
    inTasks(ScalingBenchmark::plainScopes);
  }

  @Benchmark
  @Fork(jvmArgsAppend = ONE)
  @OperationsPerInvocation(TASKS * LOOP)
  public void deadlineScopes1Carrier() {
    inTasks(ScalingBenchmark::deadlineScopes);
  }

  @Benchmark
  @Fork(jvmArgsAppend = TWO)
  @OperationsPerInvocation(TASKS * LOOP)
  public void deadlineScopes2Carriers() {
    inTasks(ScalingBenchmark::deadlineScopes);
  }

  @Benchmark
  @Fork(jvmArgsAppend = ONE)
  @OperationsPerInvocation(TASKS * GROUPS * CHILDREN)
  public void spawnJoin1Carrier() {
    inTasks(ScalingBenchmark::spawnAndJoin);
  }

  @Benchmark
  @Fork(jvmArgsAppend = TWO)
  @OperationsPerInvocation(TASKS * GROUPS * CHILDREN)
  public void spawnJoin2Carriers() {
    inTasks(ScalingBenchmark::spawnAndJoin);
  }

  @Benchmark
  @Fork(jvmArgsAppend = ONE)
  @OperationsPerInvocation(TASKS * GROUPS * CHILDREN)
  public void rawSpawnJoin1Carrier() throws InterruptedException {
    inRawThreads();
  }

  @Benchmark
  @Fork(jvmArgsAppend = TWO)
  @OperationsPerInvocation(TASKS * GROUPS * CHILDREN)
  public void rawSpawnJoin2Carriers() throws InterruptedException {
    inRawThreads();
  }

  /** {@value #TASKS} virtual threads, each starting and joining groups of raw virtual threads. */
  private static void inRawThreads() throws InterruptedException {
    Thread[] spawners = new Thread[TASKS];
    for (int i = 0; i < TASKS; i++) {
      spawners[i] = Thread.ofVirtual().start(ScalingBenchmark::rawSpawnAndJoin);
    }
    for (Thread t : spawners) {
      t.join();
    }
  }

  private static void rawSpawnAndJoin() {
    Thread[] children = new Thread[CHILDREN];
    try {
      for (int g = 0; g < GROUPS; g++) {
        for (int c = 0; c < CHILDREN; c++) {
          children[c] = Thread.ofVirtual().start(() -> {});
        }
        for (Thread child : children) {
          child.join();
        }
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code work} in each of {@value #TASKS} tasks of one run. */
  private static void inTasks(ThrowingRunnable<RuntimeException> work) {
    Weft.run(() -> {
      TaskGroup.run(group -> {
        for (int i = 0; i < TASKS; i++) {
          group.startSoon(work);
        }
      });
      return null;
    });
  }

  private static void plainScopes() {
    for (int i = 0; i < LOOP; i++) {
      CancelScope.create().run(() -> {});
    }
  }

  private static void deadlineScopes() {
    for (int i = 0; i < LOOP; i++) {
      CancelScope.withTimeout(THIRTY_SECONDS).run(() -> {});
    }
  }

  private static void spawnAndJoin() {
    for (int g = 0; g < GROUPS; g++) {
      TaskGroup.run(group -> {
        for (int c = 0; c < CHILDREN; c++) {
          group.startSoon(() -> {});
        }
      });
    }
  }
}

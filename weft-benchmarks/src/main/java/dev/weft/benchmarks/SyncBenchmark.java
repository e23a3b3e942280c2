package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.sync.Lock;
import dev.weft.sync.Semaphore;
import dev.weft.task.TaskGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Four virtual threads contend for a lock (or a semaphore with two permits) around a tiny
 * critical section; acquisitions per second. Weft's primitives are fair (FIFO, direct handoff);
 * the JDK's are used in their default, unfair mode, as most code uses them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncBenchmark {

  static final int WORKERS = 4;
  static final int PER_WORKER = 25_000;
  static final int OPS = WORKERS * PER_WORKER;

  private long counter;

  /** One acquire, a tiny critical section, one release. */
  private interface Turn {
    void run() throws Exception;
  }

  private void onWeft(Turn turn) {
    Weft.run(() -> {
      TaskGroup.run(group -> {
        for (int w = 0; w < WORKERS; w++) {
          group.startSoon(() -> {
            for (int i = 0; i < PER_WORKER; i++) {
              turn.run();
            }
          });
        }
      });
      return null;
    });
  }

  private void onVirtualThreads(Turn turn) throws InterruptedException {
    Workers workers = new Workers(true);
    for (int w = 0; w < WORKERS; w++) {
      workers.start(() -> {
        for (int i = 0; i < PER_WORKER; i++) {
          turn.run();
        }
      });
    }
    workers.join();
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weftLock() {
    Lock lock = new Lock();
    onWeft(() -> {
      lock.acquire();
      counter++;
      lock.release();
    });
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void reentrantLock() throws InterruptedException {
    ReentrantLock lock = new ReentrantLock();
    onVirtualThreads(() -> {
      lock.lock();
      counter++;
      lock.unlock();
    });
  }

  /** The like-for-like baseline: a fair ReentrantLock also hands the lock over in FIFO order. */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void fairReentrantLock() throws InterruptedException {
    ReentrantLock lock = new ReentrantLock(true);
    onVirtualThreads(() -> {
      lock.lock();
      counter++;
      lock.unlock();
    });
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weftSemaphore() {
    Semaphore semaphore = Semaphore.create(2);
    onWeft(() -> {
      semaphore.acquire();
      counter++;
      semaphore.release();
    });
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void jdkSemaphore() throws InterruptedException {
    java.util.concurrent.Semaphore semaphore = new java.util.concurrent.Semaphore(2);
    onVirtualThreads(() -> {
      semaphore.acquire();
      counter++;
      semaphore.release();
    });
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void fairJdkSemaphore() throws InterruptedException {
    java.util.concurrent.Semaphore semaphore = new java.util.concurrent.Semaphore(2, true);
    onVirtualThreads(() -> {
      semaphore.acquire();
      counter++;
      semaphore.release();
    });
  }
}

package dev.weft.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.Lock;
import dev.weft.task.TaskGroup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real stack overflow inside Weft never hangs a run (H3): a task overflows its stack inside Weft
 * calls, catches the error and goes on, while its siblings keep using the same run, timers and
 * primitives. The overflow strikes at a different point of Weft's code in each of {@value #ROUNDS}
 * rounds (a padding of frames shifts it, and the JIT compiles the code as the rounds go on).
 * Before Weft's locks survived it, the overflow left a lock held (the JDK throws a stack overflow
 * inside its own lock code after acquiring) and the run hung in most rounds.
 *
 * <p>(A recursion that reaches a checkpoint at every level may never overflow on a virtual thread:
 * the checkpoint's time-slice yield moves the frames to the heap. The second test therefore finds
 * the stack's depth with a plain recursion first.)
 */
class StackOverflowTest {

  private static final int ROUNDS = 24;

  @WeftTest
  void recursionThroughDeadlineScopes_overflowsTheStack_andTheRunGoesOn(Backend backend) {
    assertEquals(ROUNDS, overflowRounds(backend, depth -> recurseThroughScopes()));
  }

  @WeftTest
  void lockAndStreamUsedWithTheStackNearlyFull_overflowInside_andTheRunGoesOn(Backend backend) {
    Lock lock = new Lock();
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> tx = stream.sendStream();
    MemoryReceiveStream<Integer> rx = stream.receiveStream();

    assertEquals(ROUNDS, overflowRounds(backend, round -> {
      // A plain recursion finds how deep the stack goes; then the Weft calls are made that many
      // frames down, less a few: close enough to the end that they overflow somewhere inside.
      int depth = depthUntilOverflow(0);
      try {
        nearTheEnd(depth - 1 - round % 8, () -> {
          lock.acquire();
          try {
            tx.trySend(1);
            rx.tryReceive();
          } finally {
            lock.release();
          }
        });
      } finally {
        // The deep release may itself overflow before it changes anything (H3): the lock is then
        // still held, consistently, and a release with stack to spare gives it back.
        if (lock.isLocked()) {
          lock.release();
        }
      }
    }));

    assertTrue(!lock.isLocked());
    tx.close();
    rx.close();
  }

  /**
   * Runs {@value #ROUNDS} rounds: in each, one task overflows its stack through {@code overflow}
   * (after a padding of {@code round} frames) and catches the error, while a sibling sleeps
   * (a timer) and then uses a lock. Returns how many rounds ended.
   */
  private static int overflowRounds(Backend backend, java.util.function.IntConsumer overflow) {
    AtomicInteger ended = new AtomicInteger();
    Lock shared = new Lock();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        int padding = round;
        TaskGroup.run(group -> {
          group.startSoon("sibling", () -> {
            Weft.sleep(Duration.ofMillis(1));
            shared.withLock(() -> {});
          });
          try {
            pad(padding, () -> overflow.accept(padding));
          } catch (StackOverflowError expected) {
            // the point of the test: go on in the same run
          }
        });
        ended.incrementAndGet();
      }
    });
    return ended.get();
  }

  private static void recurseThroughScopes() {
    CancelScope.withTimeout(Duration.ofHours(1)).run(StackOverflowTest::recurseThroughScopes);
  }

  /** How many frames of this method fit on the stack from here. */
  private static int depthUntilOverflow(int depth) {
    try {
      return depthUntilOverflow(depth + 1);
    } catch (StackOverflowError e) {
      return depth;
    }
  }

  /** Runs {@code then} {@code frames} frames of this method down. */
  private static void nearTheEnd(int frames, Runnable then) {
    if (frames <= 0) {
      then.run();
    } else {
      nearTheEnd(frames - 1, then);
    }
  }

  private static void pad(int frames, Runnable then) {
    if (frames == 0) {
      then.run();
    } else {
      pad(frames - 1, then);
    }
  }
}

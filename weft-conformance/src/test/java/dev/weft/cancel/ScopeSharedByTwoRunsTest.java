package dev.weft.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cancel scope is single-use across runs too (C5): when two runs on two threads enter the same
 * scope at the same moment, exactly one enters it and the other gets {@link
 * IllegalStateException}. (The check used to be made under each run's own lock, so both could
 * enter, and then one failed with an internal {@code NullPointerException}.) Bounded: 2,000 rounds
 * per backend; prints what it checked.
 */
class ScopeSharedByTwoRunsTest {

  private static final int ROUNDS = 2_000;

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // two runs on two platform threads
  void twoRunsEnteringOneScopeAtOnce_exactlyOneEnters_theOtherGetsIllegalState(Backend backend)
      throws InterruptedException {
    int bothEntered = 0;
    for (int round = 0; round < ROUNDS; round++) {
      CancelScope shared = CancelScope.create();
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger entered = new AtomicInteger();
      AtomicReference<Throwable> refused = new AtomicReference<>();
      Runnable oneRun = () -> {
        try {
          Weft.run(backend, () -> {
            go.await();
            shared.run(entered::incrementAndGet);
            return null;
          });
        } catch (Throwable t) {
          refused.set(t);
        }
      };
      Thread a = Thread.ofPlatform().start(oneRun);
      Thread b = Thread.ofPlatform().start(oneRun);
      go.countDown();
      a.join();
      b.join();

      if (entered.get() == 2) {
        bothEntered++;
      }
      assertEquals(1, entered.get(), "round " + round + ": " + refused.get());
      assertInstanceOf(IllegalStateException.class, refused.get());
      assertTrue(refused.get().getMessage().contains("can be entered only once"),
          refused.get().getMessage());
    }
    System.out.printf("ScopeSharedByTwoRunsTest[%s]: rounds=%d bothEntered=%d%n",
        backend.name(), ROUNDS, bothEntered);
  }
}

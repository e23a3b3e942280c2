package dev.weft.hostile;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A limiter's borrowers are user objects, compared with their own {@code equals} and {@code
 * hashCode} and named with their own {@code toString} (H4): none of these runs under the limiter's
 * lock, so one that blocks holds up no other task, and one that throws changes nothing.
 */
class HostileBorrowerTest {

  /** A borrower whose hashCode waits until the test lets it go. */
  static final class SlowBorrower {
    final Event entered = new Event();
    final Event proceed = new Event();

    @Override
    public int hashCode() {
      entered.set();
      proceed.await();
      return 7;
    }
  }

  /** A borrower equal to nothing but itself, whose equals throws and whose hash collides. */
  static final class ThrowingEquals {
    @Override
    public int hashCode() {
      return 7;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      throw new IllegalStateException("equals is hostile");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("toString is hostile");
    }
  }

  @WeftTest
  void borrowerWhoseHashCodeBlocks_holdsUpNoOtherTaskUsingTheLimiter(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);
    SlowBorrower slow = new SlowBorrower();
    AtomicReference<CapacityLimiter.Statistics> seenMeanwhile = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("slow", () -> {
        limiter.acquireOnBehalfOf(slow);
        limiter.releaseOnBehalfOf(slow);
      });
      slow.entered.await();
      assertTrue(limiter.tryAcquireOnBehalfOf("other")); // would wait for the lock if hashCode
      seenMeanwhile.set(limiter.statistics()); // ran under it
      limiter.releaseOnBehalfOf("other");
      slow.proceed.set();
    }));

    assertEquals(List.of("other"), seenMeanwhile.get().borrowers());
    assertEquals(new CapacityLimiter.Statistics(0, 2, List.of(), 0), limiter.statistics());
  }

  @WeftTest
  void borrowerWhoseEqualsThrows_getsThatException_andNothingChanges(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);
    ThrowingEquals first = new ThrowingEquals();
    ThrowingEquals second = new ThrowingEquals(); // same hash: compared with the first

    Throwable thrown = Runs.run(backend, () -> {
      assertTrue(limiter.tryAcquireOnBehalfOf(first));
      return thrownBy(() -> limiter.acquireOnBehalfOf(second));
    });

    assertEquals("equals is hostile", thrown.getMessage());
    assertEquals(List.of(first), limiter.statistics().borrowers());
    Runs.exec(backend, () -> limiter.releaseOnBehalfOf(first));
    assertEquals(0, limiter.statistics().borrowedTokens());
  }

  @WeftTest
  void misuseByABorrowerWhoseToStringThrows_stillThrowsIllegalState(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    ThrowingEquals borrower = new ThrowingEquals();

    Throwable[] thrown = Runs.run(backend, () -> new Throwable[] {
        thrownBy(() -> limiter.releaseOnBehalfOf(borrower)),
        thrownBy(() -> {
          limiter.acquireOnBehalfOf(borrower);
          limiter.acquireOnBehalfOf(borrower);
        })});

    IllegalStateException notHolding = assertInstanceOf(IllegalStateException.class, thrown[0]);
    IllegalStateException twice = assertInstanceOf(IllegalStateException.class, thrown[1]);
    assertTrue(notHolding.getMessage().contains("its toString() threw"), notHolding.getMessage());
    assertTrue(twice.getMessage().contains("is already holding"), twice.getMessage());
    assertSame(borrower, limiter.statistics().borrowers().get(0));
  }
}

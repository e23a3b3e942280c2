package dev.weft.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * How long a rendezvous spins before it parks: by the processors for platform threads, and by the
 * carriers that can run at once for virtual threads, so that one carrier never spins for a
 * counterpart that cannot run until it stops (docs/benchmarks.md).
 */
class LockSupportParkerTest {

  @Test
  void carriers_areTheSchedulersParallelism_whenItIsAPositiveNumber() {
    assertEquals(1, LockSupportParker.carriers("1", 8));
    assertEquals(3, LockSupportParker.carriers(" 3 ", 8));
    assertEquals(16, LockSupportParker.carriers("16", 8));
  }

  @Test
  void carriers_areTheProcessors_whenTheParallelismIsUnsetOrUnusable() {
    assertEquals(8, LockSupportParker.carriers(null, 8));
    assertEquals(8, LockSupportParker.carriers("0", 8));
    assertEquals(8, LockSupportParker.carriers("-2", 8));
    assertEquals(8, LockSupportParker.carriers("many", 8));
  }

  @Test
  void rendezvousSpins_noneOnOneCarrier_joxsCountsAbove() {
    assertEquals(0, LockSupportParker.rendezvousSpins(1));
    assertEquals(128, LockSupportParker.rendezvousSpins(2));
    assertEquals(128, LockSupportParker.rendezvousSpins(4));
    assertEquals(1024, LockSupportParker.rendezvousSpins(5));
  }
}

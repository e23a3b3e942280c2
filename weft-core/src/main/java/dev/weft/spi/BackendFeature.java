package dev.weft.spi;

/**
 * What a backend can do beyond the common semantics, so that a test can ask for a backend by what
 * it needs rather than by its name.
 */
public enum BackendFeature {
  /** Time is virtual: it moves only when every task is blocked, to the next deadline. */
  VIRTUAL_TIME,
  /** Tasks run truly in parallel on several threads. */
  REAL_PARALLELISM,
  /** One task runs at a time, in an order fixed by a seed: a run can be replayed exactly. */
  DETERMINISTIC_SCHEDULE
}

/**
 * The deterministic backend: one task at a time under a seeded schedule, a virtual clock, and
 * reports instead of hangs ({@link dev.weft.deterministic.DeadlockException}, {@link
 * dev.weft.deterministic.StalledTaskException}); {@link dev.weft.deterministic.Exploration} runs a
 * scenario under many seeds. See {@link dev.weft.deterministic.DeterministicBackend} and {@code
 * docs/semantics.md} (section D).
 */
package dev.weft.deterministic;

/**
 * Weft's entry points: {@link dev.weft.Weft#run} starts a run, and {@link dev.weft.Weft} holds the
 * checkpoints and sleeps that tasks use.
 *
 * <p>The rules of cancellation (what a checkpoint is, level-triggering, shields) are stated once,
 * in {@link dev.weft.cancel}; the full specification is {@code docs/semantics.md}.
 */
package dev.weft;

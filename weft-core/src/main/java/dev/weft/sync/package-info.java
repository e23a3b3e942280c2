/**
 * Synchronization primitives that obey Weft's cancellation rules: every blocking method is a
 * checkpoint, and every grant is exactly-once (see {@link dev.weft.cancel}).
 */
package dev.weft.sync;

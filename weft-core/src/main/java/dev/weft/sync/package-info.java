/**
 * Synchronization primitives that obey Weft's cancellation rules: {@link dev.weft.sync.Event},
 * {@link dev.weft.sync.Lock}, {@link dev.weft.sync.Semaphore}, {@link
 * dev.weft.sync.CapacityLimiter}, {@link dev.weft.sync.Condition}, and the non-blocking {@link
 * dev.weft.sync.ResourceGuard}.
 *
 * <p>Every blocking method is a checkpoint (see {@link dev.weft.cancel}), also when it does not
 * need to wait; the non-blocking forms ({@code tryAcquire}), releases and signals are not. Every
 * grant is exactly-once: a waiting task is either granted (the lock, a permit, a token, a signal)
 * or cancelled, never both and never neither. If the grant comes first, the call returns normally
 * and the cancellation is thrown at the task's next checkpoint; if the cancellation comes first,
 * nothing was granted and the next waiting task is served. Grants are FIFO and handed directly to
 * the waiting task, so a non-blocking acquire never takes what a waiting task was given.
 *
 * <p>Every method may be called from threads that no Weft run started; for them, an interrupt is
 * the cancellation.
 */
package dev.weft.sync;

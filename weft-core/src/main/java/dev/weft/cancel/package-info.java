/**
 * Cancellation: {@link dev.weft.cancel.CancelScope} and {@link
 * dev.weft.cancel.CancelledException}. The rules below hold for every Weft operation.
 *
 * <h2>Checkpoints</h2>
 * A <em>checkpoint</em> is a call where Weft may throw a pending cancellation and may let other
 * tasks run. {@link dev.weft.Weft#checkpoint()}, {@link dev.weft.Weft#sleep}, leaving a task group
 * with tasks, {@link dev.weft.task.TaskGroup#start} and every blocking Weft operation are
 * checkpoints, always, even when they do not block. Code between two checkpoints is never
 * interrupted by Weft.
 *
 * <h2>Level-triggered cancellation</h2>
 * A task is <em>effectively cancelled</em> when, walking outward from its innermost scope, some
 * scope is cancelled before or at the first shielded one. While it is, every checkpoint throws a
 * new {@link dev.weft.cancel.CancelledException}, however often the task catches one; the state
 * ends only when the task leaves the cancelled scope or enters a shield.
 *
 * <h2>Who catches a cancellation</h2>
 * The exception names the outermost cancelled scope visible from the task. A scope catches a
 * cancellation when it leaves only if the cancellation belongs to it (it was thrown in the same
 * run for this scope or a scope inside it), the scope is cancelled, and no cancelled scope outside
 * it is visible; otherwise the exception travels on, to the outermost visible cancelled scope.
 *
 * <h2>Exactly-once handoffs</h2>
 * A task blocked in Weft waits on a single waiter that is either completed (handed its value,
 * granted its lock) or aborted by cancellation, decided atomically. If the completion wins, the
 * operation succeeds even if a cancellation arrives a moment later; the cancellation is then thrown
 * at the next checkpoint. If the cancellation wins, the operation had no effect.
 *
 * <h2>Blocking outside Weft and interrupts</h2>
 * While a task is effectively cancelled, Weft keeps its thread's interrupt status set, so that a
 * JDK call blocked outside Weft (I/O, {@code Thread.sleep}, a {@code BlockingQueue}) wakes up; an
 * {@link java.lang.InterruptedException} that then leaves a cancel scope or a task becomes the
 * cancellation. Weft clears the status again when the task stops being cancelled. An interrupt that
 * Weft did not send is not a cancellation: Weft's own operations ignore it and leave it set. On a
 * thread that no Weft run started, Weft's blocking operations (streams, locks) treat an interrupt as
 * cancellation and leave the interrupt status set.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it calls {@link dev.weft.cancel.CancelScope#cancel} happen-before a
 * task inside the scope throws the resulting {@code CancelledException}.
 */
package dev.weft.cancel;

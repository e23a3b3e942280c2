package dev.weft.stream;

import dev.weft.internal.stream.StreamCore;
import dev.weft.internal.stream.UnclosedHandles;
import java.lang.ref.Cleaner;

/**
 * The send side of a {@link MemoryStream}. See {@link MemoryStream} for the guarantees on delivery,
 * ordering, closing and memory visibility.
 *
 * <h2>Cancellation</h2>
 * {@link #send} is a checkpoint: in a cancelled scope it throws before sending anything. A send
 * that is cancelled while it waits has not delivered its item; the caller still owns it. A send
 * whose item was taken returns normally, even if its task is cancelled a moment later.
 *
 * @param <T> the type of the items
 */
public final class MemorySendStream<T> implements AutoCloseable {

  private final StreamCore<T> core;
  private final StreamCore.Handle handle;
  private final Cleaner.Cleanable cleanable;

  MemorySendStream(StreamCore<T> core, StreamCore.Handle handle) {
    this.core = core;
    this.handle = handle;
    this.cleanable = UnclosedHandles.register(this, core, handle, "send stream");
  }

  /**
   * Sends {@code item}: hands it to the oldest waiting receiver, or buffers it, or waits until one
   * of the two is possible. A checkpoint.
   *
   * @param item the item to send; not null
   * @throws NullPointerException if {@code item} is null
   * @throws ClosedResourceException if this handle is or gets closed (the item was not sent)
   * @throws BrokenResourceException if every receive handle is or gets closed (not sent)
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first (not sent)
   */
  public void send(T item) {
    core.send(handle, item);
  }

  /**
   * Returns a {@link Select} clause that sends {@code item} to this stream; the select gives
   * {@code null} when this clause took effect.
   *
   * @param item the item to send; if another clause takes effect, it was not sent
   * @return a clause for {@link Select#select}
   * @throws NullPointerException if {@code item} is null
   */
  public SelectClause<Void> onSend(T item) {
    return onSend(item, () -> null);
  }

  /**
   * Returns a {@link Select} clause that sends {@code item} to this stream and gives what {@code
   * then} returns. {@code then} runs in the selecting task after the item was sent.
   *
   * @param <R> the type of what the clause gives
   * @param item the item to send; if another clause takes effect, it was not sent
   * @param then what the select gives when this clause took effect
   * @return a clause for {@link Select#select}
   * @throws NullPointerException if {@code item} or {@code then} is null
   */
  public <R> SelectClause<R> onSend(T item, java.util.function.Supplier<? extends R> then) {
    java.util.Objects.requireNonNull(item,
        "MemorySendStream.onSend: item must not be null (a stream carries no nulls)");
    java.util.Objects.requireNonNull(then, "then");
    return new SelectClause<>(
        new dev.weft.internal.stream.Selector.Clause(core, handle, true, item, false),
        sent -> then.get());
  }

  /**
   * Sends {@code item} if that is possible without waiting: to the oldest waiting receiver, or
   * into the buffer. Not a checkpoint.
   *
   * @param item the item to send; not null
   * @return {@code true} if the item was handed to a receiver or buffered; {@code false} if it
   *     would have to wait (it was not sent)
   * @throws NullPointerException if {@code item} is null
   * @throws ClosedResourceException if this handle is closed
   * @throws BrokenResourceException if every receive handle is closed
   */
  public boolean trySend(T item) {
    return core.trySend(handle, item);
  }

  /**
   * Returns a new send handle on the same stream; the send side stays open until every handle is
   * closed.
   *
   * @return a new, open send handle, which must be closed on its own
   * @throws ClosedResourceException if this handle is closed
   */
  @Override
  public MemorySendStream<T> clone() {
    return new MemorySendStream<>(core, core.cloneHandle(handle));
  }

  /**
   * Closes this handle. Tasks blocked in {@code send} on this handle get {@link
   * ClosedResourceException}; when this was the last send handle, waiting receivers get {@link
   * EndOfStreamException} once the buffer is drained. Idempotent; not a checkpoint.
   */
  @Override
  public void close() {
    core.close(handle);
    cleanable.clean();
  }

  /**
   * Returns a snapshot of the stream's state. Not a checkpoint; works on a closed handle too.
   *
   * @return the stream's statistics, the same as from any other handle of the stream
   */
  public StreamStatistics statistics() {
    return core.statistics();
  }

  @Override
  public String toString() {
    return "send stream of " + core;
  }
}

package dev.weft.stream;

import dev.weft.internal.stream.StreamCore;
import dev.weft.internal.stream.UnclosedHandles;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The receive side of a {@link MemoryStream}. See {@link MemoryStream} for the guarantees on
 * delivery, ordering, closing and memory visibility.
 *
 * <p>Iterating over a receive stream receives items until the end of the stream (every send handle
 * closed and the buffer drained); each step is a checkpoint.
 *
 * <h2>Cancellation</h2>
 * {@link #receive} is a checkpoint: in a cancelled scope it throws before taking anything. A
 * receive that is cancelled while it waits has taken nothing. A receive that was handed an item
 * returns it, even if its task is cancelled a moment later; the cancellation comes at the next
 * checkpoint.
 *
 * @param <T> the type of the items
 */
public final class MemoryReceiveStream<T> implements AutoCloseable, Iterable<T> {

  private final StreamCore<T> core;
  private final StreamCore.Handle handle;
  private final Cleaner.Cleanable cleanable;

  MemoryReceiveStream(StreamCore<T> core, StreamCore.Handle handle) {
    this.core = core;
    this.handle = handle;
    this.cleanable = UnclosedHandles.register(this, core, handle, "receive stream");
  }

  /**
   * Receives the next item: the oldest buffered one, or one handed over by a sender, waiting until
   * there is one. A checkpoint.
   *
   * @return the item, removed from the stream exactly once
   * @throws EndOfStreamException if every send handle is closed and the buffer is empty
   * @throws ClosedResourceException if this handle is or gets closed (nothing taken)
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first (nothing taken)
   */
  public T receive() {
    return core.receive(handle);
  }

  /**
   * Returns a {@link Select} clause that receives the next item from this stream and gives it as
   * it is.
   *
   * @return a clause for {@link Select#select}
   */
  public SelectClause<T> onReceive() {
    return onReceive(item -> item);
  }

  /**
   * Returns a {@link Select} clause that receives the next item from this stream and gives what
   * {@code then} makes of it. {@code then} runs in the selecting task after the select was
   * decided; if it throws, the item has still been received.
   *
   * @param <R> the type of what the clause gives
   * @param then what to make of the item
   * @return a clause for {@link Select#select}
   * @throws NullPointerException if {@code then} is null
   */
  @SuppressWarnings("unchecked")
  public <R> SelectClause<R> onReceive(java.util.function.Function<? super T, ? extends R> then) {
    java.util.Objects.requireNonNull(then, "then");
    return new SelectClause<>(
        new dev.weft.internal.stream.Selector.Clause(core, handle, false, null, false),
        item -> then.apply((T) item));
  }

  /**
   * As {@link #onReceive(java.util.function.Function)}, except that the end of the stream is an
   * outcome rather than an error: when every send handle is closed and the buffer is empty, the
   * clause takes effect and gives what {@code ifEnded} returns (Kotlin's {@code
   * onReceiveCatching}). For a select that merges streams until each has ended.
   *
   * @param <R> the type of what the clause gives
   * @param then what to make of an item
   * @param ifEnded what the clause gives at the end of the stream
   * @return a clause for {@link Select#select}
   * @throws NullPointerException if {@code then} or {@code ifEnded} is null
   */
  @SuppressWarnings("unchecked")
  public <R> SelectClause<R> onReceive(java.util.function.Function<? super T, ? extends R> then,
      java.util.function.Supplier<? extends R> ifEnded) {
    java.util.Objects.requireNonNull(then, "then");
    java.util.Objects.requireNonNull(ifEnded, "ifEnded");
    return new SelectClause<>(
        new dev.weft.internal.stream.Selector.Clause(core, handle, false, null, true),
        item -> item == dev.weft.internal.stream.Selector.ENDED ? ifEnded.get()
            : then.apply((T) item));
  }

  /**
   * Receives the next item if one is available without waiting. Not a checkpoint.
   *
   * @return the item, or empty if there is none now
   * @throws EndOfStreamException if every send handle is closed and the buffer is empty
   * @throws ClosedResourceException if this handle is closed
   */
  public Optional<T> tryReceive() {
    return Optional.ofNullable(core.tryReceive(handle));
  }

  /**
   * Returns a new receive handle on the same stream; the receive side stays open until every
   * handle is closed.
   *
   * @return a new, open receive handle, which must be closed on its own
   * @throws ClosedResourceException if this handle is closed
   */
  @Override
  public MemoryReceiveStream<T> clone() {
    return new MemoryReceiveStream<>(core, core.cloneHandle(handle));
  }

  /**
   * Closes this handle. Tasks blocked in {@code receive} on this handle get {@link
   * ClosedResourceException}; when this was the last receive handle, senders get {@link
   * BrokenResourceException} and the buffered items go to the stream's {@code onUndelivered}
   * callback. Idempotent; not a checkpoint.
   *
   * @throws IllegalStateException if {@code onUndelivered} threw (after it was called for every
   *     item; the first failure is the cause, the others are suppressed)
   */
  @Override
  public void close() {
    try {
      core.close(handle);
    } finally {
      cleanable.clean();
    }
  }

  /**
   * Returns a snapshot of the stream's state. Not a checkpoint; works on a closed handle too.
   *
   * @return the stream's statistics, the same as from any other handle of the stream
   */
  public StreamStatistics statistics() {
    return core.statistics();
  }

  /**
   * Returns an iterator that receives items until the end of the stream. {@code hasNext} waits for
   * the next item (a checkpoint) and returns {@code false} at the end of the stream. Over a closed
   * handle it throws {@link ClosedResourceException} instead of ending.
   *
   * @return an iterator that receives from this handle
   */
  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        try {
          next = receive();
          return true;
        } catch (EndOfStreamException e) {
          return false;
        }
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the stream has ended");
        }
        T item = next;
        next = null;
        return item;
      }
    };
  }

  /**
   * Returns this stream as a sequential, ordered {@link java.util.stream.Stream}: each element is
   * received with {@link #receive()} (a checkpoint) only when the pipeline pulls it, so a
   * short-circuiting pipeline ({@code limit}, {@code findFirst}) takes no item beyond those it
   * used. It ends at the end of the stream; closing it closes this handle.
   *
   * <pre>{@code
   * try (Stream<Order> orders = rx.stream()) {
   *     orders.filter(Order::paid).limit(10).forEach(this::ship);
   * }
   * }</pre>
   *
   * @return a stream of the items, in order
   */
  public java.util.stream.Stream<T> stream() {
    java.util.Spliterator<T> pull = new java.util.Spliterators.AbstractSpliterator<>(
        Long.MAX_VALUE, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL) {
      @Override
      public boolean tryAdvance(java.util.function.Consumer<? super T> action) {
        T item;
        try {
          item = receive();
        } catch (EndOfStreamException e) {
          return false;
        }
        action.accept(item);
        return true;
      }
    };
    return java.util.stream.StreamSupport.stream(pull, false).onClose(this::close);
  }

  /**
   * Returns this stream as a {@link java.util.concurrent.Flow.Publisher} that respects demand:
   * an item is received only once the subscriber has requested it. The publisher owns this
   * handle and closes it when the subscription ends (completed, failed or cancelled). It is
   * unicast.
   *
   * <p>{@code subscribe} must be called from a task of {@code group}'s run: it starts one task in
   * {@code group} that sends every signal, one at a time. {@code request} and {@code cancel} may
   * be called from any thread. The end of the stream is {@code onComplete}; a closed handle is
   * {@code onError}. See semantics S15 for each Reactive Streams rule.
   *
   * @param group the group in which the publishing task runs
   * @return a publisher of the items, in order
   * @throws NullPointerException if {@code group} is null
   */
  public java.util.concurrent.Flow.Publisher<T> publisher(dev.weft.task.TaskGroup group) {
    java.util.Objects.requireNonNull(group, "group");
    return new StreamPublisher<>(this, group);
  }

  @Override
  public String toString() {
    return "receive stream of " + core;
  }
}

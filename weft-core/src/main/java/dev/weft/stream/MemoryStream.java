package dev.weft.stream;

import dev.weft.internal.stream.StreamCore;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A bounded in-process channel between tasks, as a connected pair of handles: a {@link
 * MemorySendStream} and a {@link MemoryReceiveStream}.
 *
 * <p>With a buffer of 0 the stream is a rendezvous: a send completes only by handing its item to a
 * receiver. With a buffer of {@code n}, up to {@code n} items wait in the stream. An {@linkplain
 * #unbounded() unbounded} stream never makes a sender wait.
 *
 * <pre>{@code
 * MemoryStream<String> stream = MemoryStream.create(16);
 * TaskGroup.run(group -> {
 *     group.startSoon(() -> {
 *         try (var tx = stream.sendStream()) {
 *             tx.send("hello");
 *         }
 *     });
 *     try (var rx = stream.receiveStream()) {
 *         for (String message : rx) { ... }   // ends when every send stream is closed
 *     }
 * });
 * }</pre>
 *
 * <h2>Exactly once</h2>
 * An item whose {@code send} returned was handed to exactly one receiver or buffered; an item whose
 * {@code send} threw (cancelled, broken, closed) was not delivered, and the caller still owns it. A
 * {@code receive} that returns removed its item exactly once; one that throws consumed nothing. A
 * sender never looks at a receiver's cancellation state: a waiting receiver is either handed the
 * item or cancelled, decided atomically, so a receiver in a shielded scope always gets its item.
 *
 * <h2>Ordering and fairness</h2>
 * Buffered items leave in the order they were sent. Waiting receivers are served in the order they
 * arrived, and an item handed to a waiting receiver is that receiver's (a later {@code tryReceive}
 * cannot take it). A slot freed in a full buffer goes to the oldest waiting sender.
 *
 * <h2>Closing</h2>
 * Each handle is closed on its own ({@code close} is idempotent; handles are {@link AutoCloseable}),
 * and a side is closed when all its handles, clones included, are closed. When the send side is
 * closed, receivers drain the buffer and then get {@link EndOfStreamException}. When the receive
 * side is closed, senders get {@link BrokenResourceException}, and the items left in the buffer are
 * passed to the {@code onUndelivered} callback given at creation (or dropped, without one). Closing
 * a handle wakes the tasks blocked on that same handle with {@link ClosedResourceException}. A
 * handle that is garbage collected without being closed is reported through {@link System.Logger}.
 *
 * <h2>Thread safety and memory consistency effects</h2>
 * Handles may be used by any number of tasks, and by threads that no Weft run started (there an
 * interrupt cancels a blocked operation). Actions of a task before it sends an item happen-before
 * the actions of the task that receives that item, after its {@code receive} returns.
 *
 * @param <T> the type of the items
 */
public final class MemoryStream<T> {

  private final StreamCore<T> core;
  private final MemorySendStream<T> sendStream;
  private final MemoryReceiveStream<T> receiveStream;

  private MemoryStream(int maxBufferSize, Consumer<? super T> onUndelivered) {
    this.core = new StreamCore<>(maxBufferSize, onUndelivered);
    this.sendStream = new MemorySendStream<>(core, core.open(true));
    this.receiveStream = new MemoryReceiveStream<>(core, core.open(false));
  }

  /**
   * Creates a stream whose buffer holds {@code maxBufferSize} items; 0 makes a rendezvous.
   *
   * @param <T> the type of the items
   * @param maxBufferSize how many items may wait in the stream, at least 0
   * @return a new stream with one open send handle and one open receive handle
   * @throws IllegalArgumentException if {@code maxBufferSize} is negative
   */
  public static <T> MemoryStream<T> create(int maxBufferSize) {
    return create(maxBufferSize, null);
  }

  /**
   * Creates a stream as {@link #create(int)}; {@code onUndelivered} receives each item still in
   * the buffer when the last receive handle is closed, so that resources inside it can be released.
   * It runs in the task that closes that handle, after the stream's state has been updated.
   *
   * @param <T> the type of the items
   * @param maxBufferSize how many items may wait in the stream, at least 0
   * @param onUndelivered called once per undelivered item; {@code null} for none
   * @return a new stream with one open send handle and one open receive handle
   * @throws IllegalArgumentException if {@code maxBufferSize} is negative
   */
  public static <T> MemoryStream<T> create(int maxBufferSize, Consumer<? super T> onUndelivered) {
    if (maxBufferSize < 0) {
      throw new IllegalArgumentException(
          "maxBufferSize must be between 0 and " + Integer.MAX_VALUE
              + " (use MemoryStream.unbounded() for no limit), but was " + maxBufferSize);
    }
    return new MemoryStream<>(maxBufferSize, onUndelivered);
  }

  /**
   * Creates a stream whose buffer has no limit: a send never waits. Its statistics report a
   * {@code maxBufferSize} of {@link Integer#MAX_VALUE}.
   *
   * @param <T> the type of the items
   * @return a new stream with one open send handle and one open receive handle
   */
  public static <T> MemoryStream<T> unbounded() {
    return unbounded(null);
  }

  /**
   * Creates an unbounded stream with an {@code onUndelivered} callback; see {@link
   * #create(int, Consumer)}.
   *
   * @param <T> the type of the items
   * @param onUndelivered called once per undelivered item; {@code null} for none
   * @return a new stream with one open send handle and one open receive handle
   */
  public static <T> MemoryStream<T> unbounded(Consumer<? super T> onUndelivered) {
    return new MemoryStream<>(Integer.MAX_VALUE, onUndelivered);
  }

  /**
   * Names this stream for reports (semantics O6): the name appears in the {@code toString} of the
   * stream and of its send and receive streams, and so in task dumps, deadlock reports, JFR
   * events and error messages. Returns this stream, so that it can be named where it is created:
   * {@code MemoryStream.<Job>create(0).named("jobs")}.
   *
   * @param name the name
   * @return this stream
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this stream was named already (the first name stays)
   */
  public MemoryStream<T> named(String name) {
    core.name(name);
    return this;
  }

  /**
   * Returns the stream's first send handle; {@link MemorySendStream#clone()} makes more.
   *
   * @return the send handle made with the stream, the same object on every call
   */
  public MemorySendStream<T> sendStream() {
    return sendStream;
  }

  /**
   * Returns the stream's first receive handle; {@link MemoryReceiveStream#clone()} makes more.
   *
   * @return the receive handle made with the stream, the same object on every call
   */
  public MemoryReceiveStream<T> receiveStream() {
    return receiveStream;
  }

  @Override
  public String toString() {
    return Objects.toString(sendStream);
  }
}

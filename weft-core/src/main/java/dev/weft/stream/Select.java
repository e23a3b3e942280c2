package dev.weft.stream;

import dev.weft.internal.stream.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Waits on several streams at once: exactly one of the clauses takes effect, and the others have
 * no effect at all (semantics S13).
 *
 * <pre>{@code
 * String next = Select.select(
 *     orders.onReceive(order -> "order " + order),
 *     cancellations.onReceive(id -> "cancel " + id));
 * }</pre>
 *
 * <p>When several clauses can proceed at once, the first in the order given wins. A clause whose
 * stream is closed, ended or broken can proceed too, with that error: the select throws it, and no
 * other clause took effect. A time limit is a scope around the select: {@code
 * Timeouts.resultWithin(limit, () -> Select.select(...))}.
 *
 * <h2>Cancellation</h2>
 * {@link #select} is a checkpoint: in a cancelled scope it throws before any clause takes effect.
 * A select cancelled while it waits has had no effect. A select whose clause took effect returns,
 * even if its task is cancelled a moment later; the cancellation comes at the next checkpoint.
 *
 * <h2>Memory consistency effects</h2>
 * As for the streams' own {@code send} and {@code receive}: a sender's actions before the send
 * happen-before the receiver's actions after it has the item, whichever side selected.
 */
public final class Select {

  private Select() {}

  /**
   * Waits until one of {@code clauses} can proceed, lets it take effect, and returns what its
   * function makes of it. A checkpoint.
   *
   * @param <R> the type of the result
   * @param clauses the alternatives, tried in this order; at least one
   * @return what the clause that took effect gives
   * @throws ClosedResourceException if the first clause that can proceed is on a closed handle
   * @throws EndOfStreamException if it is a receive from a stream that has ended (the message names
   *     the stream)
   * @throws BrokenResourceException if it is a send to a stream whose receive handles are all
   *     closed (the item was not sent)
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first (no clause took
   *     effect)
   * @throws IllegalArgumentException if there are no clauses, or one stream is both sent to and
   *     received from
   * @throws NullPointerException if {@code clauses} or one of them is null
   */
  @SafeVarargs
  public static <R> R select(SelectClause<? extends R>... clauses) {
    Objects.requireNonNull(clauses, "clauses");
    return select(Arrays.asList(clauses));
  }

  /**
   * As {@link #select(SelectClause[])}, for clauses in a list.
   *
   * @param <R> the type of the result
   * @param clauses the alternatives, tried in this order; at least one
   * @return what the clause that took effect gives
   * @throws ClosedResourceException if the first clause that can proceed is on a closed handle
   * @throws EndOfStreamException if it is a receive from a stream that has ended
   * @throws BrokenResourceException if it is a send to a stream without open receive handles
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first
   * @throws IllegalArgumentException if there are no clauses, or one stream is both sent to and
   *     received from
   * @throws NullPointerException if {@code clauses} or one of them is null
   */
  public static <R> R select(List<? extends SelectClause<? extends R>> clauses) {
    List<SelectClause<? extends R>> checked = check(clauses);
    Selector.Outcome outcome = Selector.select(internal(checked), true);
    return checked.get(outcome.clause()).then(outcome.value());
  }

  /**
   * Lets the first of {@code clauses} that can proceed now take effect, or returns {@code
   * otherwise.get()} if none can (Go's {@code default}). Not a checkpoint.
   *
   * @param <R> the type of the result
   * @param otherwise what to return when no clause can proceed now
   * @param clauses the alternatives, tried in this order; at least one
   * @return what the clause that took effect gives, or what {@code otherwise} gives
   * @throws ClosedResourceException if the first clause that can proceed is on a closed handle
   * @throws EndOfStreamException if it is a receive from a stream that has ended
   * @throws BrokenResourceException if it is a send to a stream without open receive handles
   * @throws IllegalArgumentException if there are no clauses, or one stream is both sent to and
   *     received from
   * @throws NullPointerException if an argument or a clause is null
   */
  @SafeVarargs
  public static <R> R trySelect(Supplier<? extends R> otherwise,
      SelectClause<? extends R>... clauses) {
    Objects.requireNonNull(otherwise, "otherwise");
    Objects.requireNonNull(clauses, "clauses");
    List<SelectClause<? extends R>> checked = check(Arrays.asList(clauses));
    Selector.Outcome outcome = Selector.select(internal(checked), false);
    return outcome == null ? otherwise.get()
        : checked.get(outcome.clause()).then(outcome.value());
  }

  private static <R> List<SelectClause<? extends R>> check(
      List<? extends SelectClause<? extends R>> clauses) {
    Objects.requireNonNull(clauses, "clauses");
    if (clauses.isEmpty()) {
      throw new IllegalArgumentException("clauses must hold at least one clause, but was empty");
    }
    List<SelectClause<? extends R>> copy = new ArrayList<>(clauses.size());
    for (int i = 0; i < clauses.size(); i++) {
      copy.add(Objects.requireNonNull(clauses.get(i), "clauses[" + i + "]"));
    }
    return copy;
  }

  private static List<Selector.Clause> internal(List<? extends SelectClause<?>> clauses) {
    List<Selector.Clause> list = new ArrayList<>(clauses.size());
    for (SelectClause<?> c : clauses) {
      list.add(c.clause);
    }
    return list;
  }
}

package dev.weft.stream;

import dev.weft.internal.stream.Selector;
import java.util.function.Function;

/**
 * One alternative of a {@link Select}: receive from a receive stream, or send an item to a send
 * stream, and what to make of it. Created by {@link MemoryReceiveStream#onReceive()} and {@link
 * MemorySendStream#onSend(Object)} and their forms with a function; a clause does nothing until a
 * select takes it, and may be used in any number of selects.
 *
 * @param <R> the type of what the clause gives its select
 */
public final class SelectClause<R> {

  final Selector.Clause clause;
  private final Function<Object, ? extends R> then;

  SelectClause(Selector.Clause clause, Function<Object, ? extends R> then) {
    this.clause = clause;
    this.then = then;
  }

  /** Applies the clause's function to what took effect: the item received, or null for a send. */
  R then(Object value) {
    return then.apply(value);
  }

  @Override
  public String toString() {
    return (clause.sending() ? "send to " : "receive from ") + clause.core();
  }
}

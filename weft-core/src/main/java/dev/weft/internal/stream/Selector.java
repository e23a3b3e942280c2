package dev.weft.internal.stream;

import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Waits on several streams at once and lets exactly one clause take effect (semantics S13).
 *
 * <h2>Implementation notes</h2>
 * A select first takes the lock of every stream of its clauses, once each, in the global order of
 * {@link StreamCore#order} (plain operations take one lock only, so no cycle can form), and tries
 * the clauses in order with the same decisions as {@code trySend} and {@code tryReceive}. With
 * every lock held, nothing can change between "clause i cannot proceed" and "clause j can": the
 * first clause that can proceed takes effect, alone. A clause on a closed, ended or broken stream
 * can proceed, with that error, and the error is thrown after the locks are released.
 *
 * <p>If none can proceed, the select creates one {@link Waiter} (published to its task for
 * cancellation before any stream can see it, as every waiter is) and queues a node for each clause,
 * still under every lock, so that no counterpart can arrive in between unseen. From then on the
 * waiter's single CAS decides: a counterpart completes it with a {@link StreamCore.Selected}
 * naming its clause, and takes the select's item (a send clause) or hands it one (a receive
 * clause) only if it won that CAS; a counterpart that loses has done nothing and moves on to its
 * next waiter, exactly as with an aborted waiter. So the exactly-once argument of a single stream
 * (S2) carries over: one CAS, one effect. After waking, the select removes its remaining nodes,
 * each under its own stream's lock; a completer may have removed some already.
 *
 * <p>Two selects facing each other pair like any two waiters: the second to take the locks finds
 * the first one's node and completes its waiter with one CAS; it never needs a CAS on its own
 * waiter, because it has queued nothing yet. That is why a select tries every clause before it
 * queues any: a select that queued some clauses and then found another ready would need two CASes
 * (its own and the counterpart's), which no lock could make atomic.
 */
public final class Selector {

  private Selector() {}

  /**
   * One clause: send {@code item} on a send handle, or receive on a receive handle. With {@code
   * endIsOutcome}, a receive clause whose stream has ended takes effect with {@link #ENDED}
   * instead of throwing.
   */
  public record Clause(StreamCore<?> core, StreamCore.Handle handle, boolean sending, Object item,
      boolean endIsOutcome) {}

  /** The value of a receive clause that took effect because its stream ended. */
  public static final Object ENDED = new Object() {
    @Override
    public String toString() {
      return "the end of the stream";
    }
  };

  /** The clause that took effect and its value (the item received, or {@code null} for a send). */
  public record Outcome(int clause, Object value) {}

  /**
   * Runs a select.
   *
   * @param block whether to wait (a checkpoint) or return {@code null} when no clause can proceed
   * @return the clause that took effect, or {@code null} without {@code block} when none could
   */
  public static Outcome select(List<Clause> clauses, boolean block) {
    StreamCore<?>[] cores = lockOrder(clauses);
    Task me = Task.current();
    if (block) {
      Checkpoints.checkpoint(me);
    }
    while (true) {
      Waiter<Object> waiter = null;
      Object[] nodes = null;
      Outcome ready = null;
      boolean cancelled = false;
      int locked = 0;
      try {
        for (StreamCore<?> core : cores) {
          core.lockForSelect();
          locked++;
        }
        // The linearization point, as in send and receive: cancelled now, nothing takes effect.
        if (block && Checkpoints.cancelledNow(me)) {
          cancelled = true;
        } else {
          ready = tryInOrderLocked(clauses);
          if (ready == null && block) {
            waiter = Waiter.forTask(me, true, new Waiting(cores), "select on");
            nodes = new Object[clauses.size()];
            for (int i = 0; i < nodes.length; i++) {
              Clause c = clauses.get(i);
              nodes[i] = c.sending
                  ? c.core.enqueueSendLocked(c.handle, waiter, c.item, i)
                  : c.core.enqueueReceiveLocked(c.handle, waiter, i);
            }
          }
        }
      } finally {
        for (int i = locked - 1; i >= 0; i--) {
          cores[i].unlockForSelect();
        }
      }
      if (cancelled) {
        Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
        continue;
      }
      if (waiter == null) {
        return ready; // null: nothing could proceed, and the caller does not wait
      }
      // Like a plain rendezvous, a select on a rendezvous stream spins before it parks: its
      // counterpart usually arrives within microseconds (measured: 4x the items per second).
      boolean completed = rendezvous(cores) ? waiter.awaitRendezvous() : waiter.await();
      int won = completed ? ((StreamCore.Selected) waiter.value()).clause() : -1;
      for (int i = 0; i < nodes.length; i++) {
        if (i != won) { // the winner's completer took that node out already
          clauses.get(i).core.removeSelectNode(nodes[i]);
        }
      }
      if (completed) {
        StreamCore.Selected selected = (StreamCore.Selected) waiter.value();
        Clause c = clauses.get(selected.clause());
        return new Outcome(selected.clause(),
            c.core.selectedOutcome(c.handle, selected.outcome(), c.endIsOutcome));
      }
      Checkpoints.afterAbort();
    }
  }

  private static boolean rendezvous(StreamCore<?>[] cores) {
    for (StreamCore<?> core : cores) {
      if (core.isRendezvous()) {
        return true;
      }
    }
    return false;
  }

  /** The first clause that can proceed now takes effect; {@code null} if none can. */
  private static Outcome tryInOrderLocked(List<Clause> clauses) {
    for (int i = 0; i < clauses.size(); i++) {
      Clause c = clauses.get(i);
      if (c.sending) {
        if (c.core.trySendLocked(c.handle, c.item)) {
          return new Outcome(i, null);
        }
      } else {
        Object item = c.core.tryReceiveLocked(c.handle, c.endIsOutcome);
        if (item != StreamCore.NONE) {
          return new Outcome(i, item);
        }
      }
    }
    return null;
  }

  /**
   * The streams of the clauses, each once, in lock order.
   *
   * @throws IllegalArgumentException if one stream is both sent to and received from
   */
  private static StreamCore<?>[] lockOrder(List<Clause> clauses) {
    // A few clauses: a linear scan and an insertion sort, with no allocation beyond the array.
    StreamCore<?>[] cores = new StreamCore<?>[clauses.size()];
    boolean[] sending = new boolean[cores.length];
    int n = 0;
    for (Clause c : clauses) {
      int at = 0;
      while (at < n && cores[at] != c.core) {
        at++;
      }
      if (at < n) {
        if (sending[at] != c.sending) {
          throw new IllegalArgumentException("a select cannot both send to and receive from "
              + c.core + ": it would wait for itself");
        }
        continue;
      }
      int i = n++;
      while (i > 0 && cores[i - 1].order > c.core.order) {
        cores[i] = cores[i - 1];
        sending[i] = sending[i - 1];
        i--;
      }
      cores[i] = c.core;
      sending[i] = c.sending;
    }
    return n == cores.length ? cores : Arrays.copyOf(cores, n);
  }

  /** What a selecting task waits on, for task dumps and the JDK's thread dump. */
  private record Waiting(StreamCore<?>[] cores) {
    @Override
    public String toString() {
      List<String> names = new ArrayList<>(cores.length);
      for (StreamCore<?> core : cores) {
        names.add(core.toString());
      }
      return "any of " + names;
    }
  }
}

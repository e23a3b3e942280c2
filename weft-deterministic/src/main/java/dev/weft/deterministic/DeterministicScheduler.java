package dev.weft.deterministic;

import dev.weft.internal.backend.TimerQueue;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.spi.Clock;
import dev.weft.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One deterministic run: every task is a virtual thread, but only the task that holds the
 * <em>turn</em> runs; at every park, checkpoint and task end the turn passes to a runnable task
 * chosen by a {@link Random} seeded from the backend's seed.
 *
 * <h2>Implementation notes</h2>
 * {@link #lock} guards every field except {@code closed}. A task's thread runs Weft code only
 * between receiving the turn ({@code slot.turn = true}, set by {@link #dispatchLocked}) and giving
 * it up in {@link #park}, {@link #yieldTurn} or {@link #finish}; so the order of every Weft action
 * is the order of turns, and the order of turns depends only on the seed and on the program. The
 * runnable list is kept in the order tasks became runnable, and the choice is an index into it, so
 * no identity hash or thread timing enters a decision. ({@code byThread} is a lookup table, never
 * iterated.)
 *
 * <p>When no task is runnable, the dispatcher moves virtual time to the earliest timer and fires
 * every timer that is due; the actions run on the dispatching thread with the lock released (they
 * take Weft's own locks and call {@link #unpark}), and {@code dispatching} keeps a concurrent
 * {@code unpark} (from a thread outside the run) from dispatching twice. With no runnable task and
 * no timer, every live task is blocked for good: a deadlock, reported with the task tree.
 *
 * <p>A failure (deadlock, stall) aborts the run: every task is woken and its next park or yield
 * throws {@link RunAborted}, so that the tasks unwind (concurrently; the run is over) and {@code
 * Weft.run} returns, where {@link #close} throws the report. A watchdog thread reports a task that
 * holds the turn for longer than the stall timeout in real time: it is blocked outside Weft.
 *
 * <p>A thread waiting for its turn absorbs interrupts (Weft interrupts cancelled tasks) and
 * re-asserts them when its turn comes, so an interrupt neither spins the wait nor gets lost.
 */
final class DeterministicScheduler implements Scheduler {

  private enum State { RUNNABLE, RUNNING, PARKED, DONE }

  private static final class Slot {
    final int number;
    final String name;
    Thread thread;
    State state = State.RUNNABLE;
    boolean permit;
    boolean turn;
    Object blocker;
    long turnStartedNanos;

    Slot(int number, String name) {
      this.number = number;
      this.name = name;
    }

    @Override
    public String toString() {
      return "'" + name + "' (launch #" + number + ")";
    }
  }

  /** Thrown out of park and yield after the run failed, so that every task unwinds. */
  static final class RunAborted extends Error {
    private static final long serialVersionUID = 1L;

    RunAborted(RuntimeException cause) {
      super("the deterministic run was aborted: " + cause.getMessage(), cause, false, false);
    }
  }

  private final DeterministicBackend backend;
  private final Random random;
  private final long stallNanos;
  private final CriticalLock lock = new CriticalLock();
  private final TimerQueue timers = new TimerQueue();
  private final Clock clock = new VirtualClock();
  private final List<Slot> runnable = new ArrayList<>();
  private final List<Slot> slots = new ArrayList<>();
  private final Map<Thread, Slot> byThread = new HashMap<>();
  private final Trace trace;
  private Supplier<String> describer = () -> "(no task description available)\n";
  private Slot current;
  private boolean dispatching;
  private int live;
  private long now;
  private long steps;
  private RuntimeException failure;
  private final Thread watchdog;
  private volatile boolean closed;

  DeterministicScheduler(DeterministicBackend backend, Duration stallTimeout, int traceLength) {
    this.backend = backend;
    this.random = new Random(backend.seed());
    this.stallNanos = stallTimeout.toNanos();
    this.trace = new Trace(traceLength);
    this.watchdog =
        Thread.ofPlatform().name("weft-deterministic-watchdog").daemon(true).start(this::watch);
  }

  // ---- tasks ----------------------------------------------------------------------------------

  @Override
  public Thread launch(String name, Runnable body) {
    // Every scheduling step first checks that the stack it may need is there (a dispatch builds
    // its trace line and wakes a virtual thread): a task whose stack is nearly full overflows
    // before the schedule changes, never half-way through handing over the turn (H3).
    StackHeadroom.ensureGenerously();
    Thread thread;
    try {
      lock.lock();
      int number = slots.size() + 1;
      Slot slot = new Slot(number, name != null ? name : "task-" + number);
      thread = Thread.ofVirtual().name(slot.name).unstarted(() -> runTask(slot, body));
      slot.thread = thread;
      slots.add(slot);
      byThread.put(thread, slot);
      live++;
      runnable.add(slot);
    } finally {
      lock.unlockIfHeld();
    }
    thread.start();
    try {
      lock.lock();
      if (current == null && failure == null) {
        dispatchLocked(); // launched from outside a turn: the root task
      }
    } finally {
      lock.unlockIfHeld();
    }
    return thread;
  }

  private void runTask(Slot slot, Runnable body) {
    awaitTurn(slot);
    try {
      body.run();
    } finally {
      finish(slot);
    }
  }

  private void finish(Slot slot) {
    try {
      lock.lock();
      slot.state = State.DONE;
      slot.turn = false;
      live--;
      byThread.remove(slot.thread);
      if (current == slot) {
        current = null;
        dispatchLocked();
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  // ---- parking --------------------------------------------------------------------------------

  @Override
  public void park(Object blocker) {
    StackHeadroom.ensureGenerously();
    Slot slot = mine();
    try {
      lock.lock();
      throwIfFailedLocked();
      if (slot.permit) {
        slot.permit = false;
        return;
      }
      slot.state = State.PARKED;
      slot.blocker = blocker;
      releaseTurnLocked(slot);
    } finally {
      lock.unlockIfHeld();
    }
    awaitTurn(slot);
    try {
      lock.lock();
      throwIfFailedLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  @Override
  public void unpark(Thread thread) {
    StackHeadroom.ensureGenerously();
    try {
      lock.lock();
      Slot slot = byThread.get(thread);
      if (slot == null) {
        return; // ended
      }
      if (slot.state == State.PARKED) {
        slot.state = State.RUNNABLE;
        slot.blocker = null;
        runnable.add(slot);
        if (current == null && failure == null) {
          dispatchLocked(); // woken by a thread outside the run while no task ran
        }
      } else if (slot.state != State.DONE) {
        slot.permit = true;
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  @Override
  public void yieldTurn() {
    StackHeadroom.ensureGenerously();
    Slot slot = mine();
    try {
      lock.lock();
      throwIfFailedLocked();
      slot.state = State.RUNNABLE;
      runnable.add(slot);
      releaseTurnLocked(slot);
    } finally {
      lock.unlockIfHeld();
    }
    awaitTurn(slot);
    try {
      lock.lock();
      throwIfFailedLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  private Slot mine() {
    try {
      lock.lock();
      Slot slot = byThread.get(Thread.currentThread());
      if (slot == null) {
        throw new IllegalStateException(
            "thread '" + Thread.currentThread().getName() + "' is not a task of this run");
      }
      return slot;
    } finally {
      lock.unlockIfHeld();
    }
  }

  private void releaseTurnLocked(Slot slot) {
    slot.turn = false;
    if (current == slot) {
      current = null;
    }
    dispatchLocked();
  }

  /**
   * Waits until the slot holds the turn, or the run failed. The condition and the blocker are read
   * in one critical section, and nothing between it and the park can block: a contended lock
   * would park too, and could eat the permit that the dispatcher's unpark gave.
   */
  private void awaitTurn(Slot slot) {
    boolean interrupted = false;
    VirtualMachineError error = null;
    while (true) {
      try {
        Object blocker;
        try {
          lock.lock();
          if (slot.turn || failure != null) {
            break;
          }
          blocker = slot.blocker != null ? slot.blocker : this; // thread dumps show the wait
        } finally {
          lock.unlockIfHeld();
        }
        LockSupport.park(blocker);
        if (Thread.interrupted()) {
          interrupted = true;
        }
      } catch (VirtualMachineError e) {
        // A task whose stack is nearly full can overflow while the JDK resumes it from the park.
        // It must not run on without the turn (two tasks would run at once): wait on for the
        // turn, then throw the error.
        if (error == null) {
          error = e;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (error != null) {
      throw error;
    }
  }

  private void throwIfFailedLocked() {
    if (failure != null) {
      throw new RunAborted(failure);
    }
  }

  // ---- the turn -------------------------------------------------------------------------------

  /** Gives the turn to a runnable task, moving virtual time forward when there is none. */
  private void dispatchLocked() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    try {
      while (failure == null) {
        if (!runnable.isEmpty()) {
          Slot next = runnable.remove(random.nextInt(runnable.size()));
          next.state = State.RUNNING;
          next.turn = true;
          next.turnStartedNanos = System.nanoTime();
          current = next;
          steps++;
          trace.add("step " + steps + " at " + Duration.ofNanos(now) + ": " + next);
          LockSupport.unpark(next.thread);
          return;
        }
        if (live == 0) {
          return;
        }
        long deadline = timers.nextDeadline();
        if (deadline == Long.MAX_VALUE) {
          failLocked(deadlock());
          return;
        }
        if (deadline > now) {
          now = deadline;
          trace.add("time moves to " + Duration.ofNanos(now));
        }
        List<Runnable> due = new ArrayList<>();
        for (Runnable r; (r = timers.pollDue(now)) != null; ) {
          due.add(r);
        }
        lock.unlock();
        try {
          for (Runnable r : due) {
            r.run();
          }
        } finally {
          lock.lock();
        }
      }
    } finally {
      dispatching = false;
    }
  }

  private DeadlockException deadlock() {
    StringBuilder blocked = new StringBuilder();
    for (Slot s : slots) {
      if (s.state != State.DONE) {
        blocked.append("  ").append(s).append(" is ").append(s.state.name().toLowerCase())
            .append(s.blocker != null ? " on " + s.blocker : "").append('\n');
      }
    }
    String tasks;
    lock.unlock(); // the core takes its own lock to describe its tasks; no task runs now
    try {
      tasks = describer.get();
    } finally {
      lock.lock();
    }
    return new DeadlockException(backend.seed(), Duration.ofNanos(now), steps, tasks,
        blocked.toString(), trace.lines());
  }

  private void failLocked(RuntimeException f) {
    if (failure != null) {
      return;
    }
    failure = f;
    for (Slot s : slots) {
      if (s.state != State.DONE) {
        LockSupport.unpark(s.thread);
      }
    }
  }

  // ---- stalls ---------------------------------------------------------------------------------

  /** Real time is what a stall is about: this thread is the only one here that reads it. */
  private void watch() {
    long every = Math.max(1_000_000, stallNanos / 4);
    while (!closed) {
      LockSupport.parkNanos(this, every);
      try {
        lock.lock();
        Slot s = current;
        if (!closed && failure == null && s != null
            && System.nanoTime() - s.turnStartedNanos > stallNanos) {
          failLocked(new StalledTaskException(backend.seed(), s.name,
              Duration.ofNanos(stallNanos), s.thread.getStackTrace(), trace.lines()));
          s.thread.interrupt();
        }
      } finally {
        lock.unlockIfHeld();
      }
    }
  }

  // ---- the rest of the SPI --------------------------------------------------------------------

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void describeTasksWith(Supplier<String> describer) {
    try {
      lock.lock();
      this.describer = describer;
    } finally {
      lock.unlockIfHeld();
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(watchdog);
    RuntimeException f;
    try {
      lock.lock();
      f = failure;
      backend.recordTrace(trace.lines());
    } finally {
      lock.unlockIfHeld();
    }
    if (f != null) {
      throw f;
    }
  }

  /** The run's virtual clock: it moves only when every task is blocked. */
  private final class VirtualClock implements Clock {
    @Override
    public long nanoTime() {
      try {
        lock.lock();
        return now;
      } finally {
        lock.unlockIfHeld();
      }
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable action) {
      return timers.add(deadlineNanos, action, entry -> {});
    }
  }
}

package dev.weft.task;

import dev.weft.internal.core.TaskTreeCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;

/**
 * A snapshot of every live Weft run in this JVM: each run's tasks as a tree, what each task waits
 * on and for how long, and its cancel scopes (semantics O1-O3). For operators and tools: callable
 * from any thread, inside a run or not, and also through JMX ({@code dev.weft:type=TaskDump}).
 *
 * <pre>{@code
 * System.err.println(TaskDump.capture());            // text, for people
 * Files.writeString(path, TaskDump.capture().toJson()); // JSON, for tools
 * }</pre>
 *
 * <p>The snapshot is consistent per task, not across a run: it never stops a run, so a task that
 * starts or ends while it is taken may be missing or show its last state.
 *
 * @param runs the live runs, in the order they started
 */
public record TaskDump(List<RunView> runs) {

  /**
   * Creates a dump of the given runs; {@link #capture()} is the usual way to get one.
   *
   * @param runs the live runs, in the order they started
   * @throws NullPointerException if {@code runs} is null
   */
  public TaskDump {
    runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
  }

  /**
   * Takes a snapshot of every live run of this JVM.
   *
   * @return the snapshot
   */
  public static TaskDump capture() {
    return new TaskDump(TaskTreeCapture.runs());
  }

  /**
   * One run: its id (1 for the JVM's first run), its backend's name, and its live tasks, oldest
   * first (a parent before its children).
   *
   * @param id the run's id
   * @param backend the backend's name ("virtual", "platform", "deterministic", ...)
   * @param tasks the live tasks, oldest first
   */
  public record RunView(long id, String backend, List<TaskView> tasks) {
    /**
     * Creates a run view.
     *
     * @param id the run's id
     * @param backend the backend's name
     * @param tasks the live tasks, oldest first
     * @throws NullPointerException if {@code backend} or {@code tasks} is null
     */
    public RunView {
      Objects.requireNonNull(backend, "backend");
      tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
    }
  }

  /**
   * One live task.
   *
   * @param id the task's id within its run (the root task is 1)
   * @param name the task's name
   * @param parent the id of the task whose group it belongs to, or {@code null} for the root task
   * @param waits what it waits on in Weft ("receive from memory stream@1a2b[buffer 0]"), or {@code
   *     null} if it is running or blocked outside Weft
   * @param parked how long it has been parked on the run's clock, or {@code null} if it is not
   *     parked (running, or still spinning before it parks)
   * @param scopes its cancel scopes, innermost first, up to its own root (task-group scopes
   *     included)
   */
  public record TaskView(
      long id, String name, Long parent, String waits, Duration parked, List<ScopeView> scopes) {
    /**
     * Creates a task view.
     *
     * @param id the task's id
     * @param name the task's name
     * @param parent the parent task's id, or {@code null}
     * @param waits what it waits on, or {@code null}
     * @param parked how long it has been parked, or {@code null}
     * @param scopes its scopes, innermost first
     * @throws NullPointerException if {@code name} or {@code scopes} is null
     */
    public TaskView {
      Objects.requireNonNull(name, "name");
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }
  }

  /**
   * One cancel scope of a task.
   *
   * @param kind what it is for: "task group", "cancel scope", ...
   * @param cancelled whether it was cancelled
   * @param reason why it was cancelled (and by whom), or {@code null}
   * @param shielded whether it shields its body from outer cancellations
   * @param deadlineRemaining the time left until its deadline on the run's clock (negative once
   *     passed), or {@code null} if it has none
   */
  public record ScopeView(
      String kind, boolean cancelled, String reason, boolean shielded, Duration deadlineRemaining) {
    /**
     * Creates a scope view.
     *
     * @param kind what it is for
     * @param cancelled whether it was cancelled
     * @param reason why, or {@code null}
     * @param shielded whether it is shielded
     * @param deadlineRemaining time left until its deadline, or {@code null}
     * @throws NullPointerException if {@code kind} is null
     */
    public ScopeView {
      Objects.requireNonNull(kind, "kind");
    }
  }

  /**
   * Returns the dump as text for people: a block per run, each task indented below its parent.
   *
   * @return the text form
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (runs.isEmpty()) {
      return "Weft: no live runs\n";
    }
    for (RunView run : runs) {
      sb.append("Weft run #").append(run.id()).append(" (").append(run.backend()).append("), ")
          .append(run.tasks().size()).append(run.tasks().size() == 1 ? " task\n" : " tasks\n");
      Map<Long, List<TaskView>> children = new HashMap<>();
      Set<Long> listed = new HashSet<>();
      for (TaskView t : run.tasks()) { // oldest first, so children stay in start order
        children.computeIfAbsent(t.parent(), k -> new ArrayList<>()).add(t);
        listed.add(t.id());
      }
      for (TaskView t : run.tasks()) {
        if (t.parent() == null || !listed.contains(t.parent())) { // a tree's top
          appendTree(sb, children, t, 1);
        }
      }
    }
    return sb.toString();
  }

  private static void appendTree(
      StringBuilder sb, Map<Long, List<TaskView>> children, TaskView task, int depth) {
    String indent = "  ".repeat(depth);
    sb.append(indent).append("task '").append(task.name()).append("' (#").append(task.id())
        .append(")\n");
    sb.append(indent).append("  waits: ");
    if (task.waits() == null) {
      sb.append("nothing (running, or blocked outside Weft)");
    } else {
      sb.append(task.waits());
      if (task.parked() != null) {
        sb.append(", parked for ").append(task.parked());
      }
    }
    sb.append('\n').append(indent).append("  scopes, innermost first:");
    if (task.scopes().isEmpty()) {
      sb.append(" none of its own");
    }
    for (ScopeView s : task.scopes()) {
      sb.append(' ').append(s.kind()).append('[')
          .append(s.cancelled() ? "cancelled: " + s.reason() : "not cancelled");
      if (s.shielded()) {
        sb.append(", shielded");
      }
      if (s.deadlineRemaining() != null) {
        sb.append(", deadline in ").append(s.deadlineRemaining());
      }
      sb.append("];");
    }
    sb.append('\n');
    for (TaskView child : children.getOrDefault(task.id(), List.of())) {
      appendTree(sb, children, child, depth + 1);
    }
  }

  /**
   * Returns the dump as JSON for tools (the shape is in {@code docs/semantics.md}, O2): durations
   * in nanoseconds, and {@code null} where a field does not apply.
   *
   * @return the JSON form
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"runs\":[");
    for (int i = 0; i < runs.size(); i++) {
      RunView run = runs.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"id\":").append(run.id()).append(",\"backend\":");
      string(sb, run.backend());
      sb.append(",\"tasks\":[");
      for (int j = 0; j < run.tasks().size(); j++) {
        TaskView t = run.tasks().get(j);
        sb.append(j == 0 ? "" : ",").append("{\"id\":").append(t.id()).append(",\"name\":");
        string(sb, t.name());
        sb.append(",\"parent\":").append(t.parent()).append(",\"waits\":");
        string(sb, t.waits());
        sb.append(",\"parkedNanos\":").append(t.parked() == null ? null : t.parked().toNanos())
            .append(",\"scopes\":[");
        for (int k = 0; k < t.scopes().size(); k++) {
          ScopeView s = t.scopes().get(k);
          sb.append(k == 0 ? "" : ",").append("{\"kind\":");
          string(sb, s.kind());
          sb.append(",\"cancelled\":").append(s.cancelled()).append(",\"reason\":");
          string(sb, s.reason());
          sb.append(",\"shielded\":").append(s.shielded()).append(",\"deadlineRemainingNanos\":")
              .append(s.deadlineRemaining() == null ? null : nanos(s.deadlineRemaining()))
              .append('}');
        }
        sb.append("]}");
      }
      sb.append("]}");
    }
    return sb.append("]}").toString();
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static void string(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}

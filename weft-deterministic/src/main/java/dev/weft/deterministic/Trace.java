package dev.weft.deterministic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last turns of a deterministic run, for replay reports: a ring of at most {@code capacity}
 * lines, so that a long run (millions of checkpoints) keeps a bounded amount of memory. Guarded by
 * the scheduler's lock.
 */
final class Trace {

  private final int capacity;
  private final ArrayDeque<String> lines;
  private long dropped;

  Trace(int capacity) {
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  void add(String line) {
    if (lines.size() == capacity) {
      lines.pollFirst();
      dropped++;
    }
    lines.addLast(line);
  }

  /** The kept lines, oldest first, after a line saying how many older ones were dropped. */
  List<String> lines() {
    List<String> copy = new ArrayList<>(lines.size() + 1);
    if (dropped > 0) {
      copy.add("(" + dropped + " earlier lines dropped; withTraceLength keeps more)");
    }
    copy.addAll(lines);
    return List.copyOf(copy);
  }
}

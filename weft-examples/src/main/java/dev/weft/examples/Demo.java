package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.deterministic.DeadlockException;
import dev.weft.deterministic.DeterministicBackend;
import dev.weft.spi.Backend;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.time.Deadline;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's demo. Part 1: a task group, a deadline that cancels a subtree of tasks, and a
 * shielded cleanup that still runs (and waits) after its task was cancelled. Part 2: the scenario
 * that deadlocked AnyIO 4.4.0, on every backend: a component that owns a stream is cancelled from
 * outside, and its shielded cleanup sends a last message to a shielded consumer. Part 3: the
 * deterministic backend's virtual clock runs a one-hour timeout in milliseconds, and a program that
 * can never finish is reported with its task tree instead of hanging. Part 4: threads that Weft did
 * not start ({@link ThreadsExample}). Part 5: a TCP server whose per-request deadline costs no byte
 * and no connection ({@link EchoExample}). Part 6: a TLS server and two clients ({@link
 * TlsExample}).
 */
public final class Demo {

  private static final long START = System.nanoTime();

  private Demo() {}

  public static void main(String[] args) {
    part("Part 1: a task group, a deadline that cancels a subtree of tasks, and shielded cleanup");
    Weft.run(
        () -> {
          log("main", "starts a task group: one quick task, and two slow ones under a 300 ms deadline");
          TaskGroup.run(
              group -> {
                group.startSoon("quick", () -> {
                  Weft.sleep(Duration.ofMillis(100));
                  log("quick", "done");
                });
                group.startSoon("supervisor", () -> {
                  CancelScope deadline =
                      Timeouts.moveOnAfter(
                          Duration.ofMillis(300),
                          () ->
                              TaskGroup.run(
                                  slow -> {
                                    slow.startSoon("slow-1", () -> slowWork("slow-1"));
                                    slow.startSoon("slow-2", () -> slowWork("slow-2"));
                                  }));
                  log("supervisor", "deadline passed: " + deadline.cancelledCaught()
                      + "; both slow tasks have ended, cleanup included");
                });
              });
          log("main", "the task group has ended; no task is left running");
          return null;
        });
    System.out.println();
    part("Part 2: the scenario that deadlocked AnyIO 4.4.0 (a cancelled producer's shielded cleanup"
        + " sends a last item to a shielded consumer over a rendezvous stream): delivered on every"
        + " backend");
    for (Backend backend : List.of(Backend.virtualThreads(), Backend.platformThreads(),
        DeterministicBackend.withSeed(42))) {
      lastMessageOnShutdown(backend);
    }
    System.out.println();
    part("Part 3: the deterministic backend's virtual clock, and a deadlock reported instead of a hang");
    oneHourOnTheVirtualClock();
    System.out.println();
    deadlockReported();
    System.out.println();
    part("Part 4: threads Weft did not start: an HTTP server's handler threads call into a"
        + " BlockingPortal, and blocking calls run on worker threads under a limiter");
    try {
      ThreadsExample.run();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    System.out.println();
    part("Part 5: a TCP echo server with a 200 ms deadline per line; a slow client's half line"
        + " survives the deadline, byte for byte, on the same connection");
    try {
      EchoExample.main(new String[0]);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    System.out.println();
    part("Part 6: TLS over a TCP stream, with a certificate made for this run; a client that does"
        + " not trust it fails its handshake, and the server goes on");
    try {
      TlsExample.main(new String[0]);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void part(String title) {
    System.out.println("== " + title);
  }

  private static void oneHourOnTheVirtualClock() {
    long start = System.nanoTime();
    Duration virtual = Weft.run(DeterministicBackend.withSeed(1), () -> {
      Deadline begin = Deadline.now();
      Timeouts.moveOnAfter(Duration.ofHours(1), Weft::sleepForever);
      return begin.remaining().negated();
    });
    System.out.printf("[virtual clock] a one-hour timeout fired after %s of virtual time,"
        + " %.1f ms of real time%n", virtual, (System.nanoTime() - start) / 1e6);
  }

  /** Two tasks each wait for the other's message: on the deterministic backend, a report. */
  private static void deadlockReported() {
    try {
      Weft.run(DeterministicBackend.withSeed(7), () -> {
        MemoryStream<String> ping = MemoryStream.create(0);
        MemoryStream<String> pong = MemoryStream.create(0);
        TaskGroup.run(group -> {
          group.startSoon("ping", () -> {
            pong.receiveStream().receive();
            ping.sendStream().send("ping");
          });
          group.startSoon("pong", () -> {
            ping.receiveStream().receive();
            pong.sendStream().send("pong");
          });
        });
        return null;
      });
    } catch (DeadlockException e) {
      System.out.println("[deterministic] instead of hanging: " + e.getMessage());
    }
  }

  /**
   * A component owns the send side of a rendezvous stream; its consumer reads in a shield. The
   * component is cancelled from outside and says goodbye from its shielded {@code finally}: the
   * consumer must get that message, and nothing may hang.
   */
  private static void lastMessageOnShutdown(Backend backend) {
    long start = System.nanoTime();
    List<String> received = Weft.run(backend, () -> {
      MemoryStream<String> stream = MemoryStream.create(0);
      List<String> got = new ArrayList<>();
      Event working = new Event();
      TaskGroup.run(group -> {
        group.startSoon("consumer", () -> CancelScope.shielded().run(() -> {
          try (MemoryReceiveStream<String> rx = stream.receiveStream()) {
            for (String message : rx) {
              got.add(message);
            }
          }
        }));
        group.startSoon("component", () -> {
          MemorySendStream<String> tx = stream.sendStream();
          try {
            tx.send("working");
            working.set();
            Weft.sleepForever();
          } finally {
            CancelScope.shielded().run(() -> {
              try (tx) {
                tx.send("goodbye"); // the consumer sits in a shield inside a cancelled scope
              }
            });
          }
        });
        working.await();
        group.cancelScope().cancel("shutdown");
      });
      return got;
    });
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf("[%-8s] shielded consumer received %s; took %.1f ms%n",
        backend.name(), received, ms);
  }

  private static void slowWork(String name) {
    try {
      log(name, "works for 10 s...");
      Weft.sleep(Duration.ofSeconds(10));
    } catch (CancelledException e) {
      log(name, "cancelled (" + e.reason() + "); cleans up in a shield");
      CancelScope.shielded().run(() -> {
        Weft.sleep(Duration.ofMillis(50)); // would throw at once without the shield
        log(name, "cleanup finished");
      });
      throw e;
    }
  }

  private static void log(String who, String what) {
    long ms = (System.nanoTime() - START) / 1_000_000;
    System.out.printf("[%4d ms] %-10s %s%n", ms, who, what);
  }
}

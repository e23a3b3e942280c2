package dev.weft.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.stream.Select;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model-checks select's clause registration and abort (semantics S13) with Lincheck, on platform
 * threads whose interleavings Lincheck controls: in every interleaving exactly one clause takes
 * effect and the others have none. Rendezvous streams throughout, where a lost or doubled handoff
 * would show at once.
 *
 * <p>Seeded bug the first check was shown to find within its 250 invocations (then removed): a
 * sender that counts a handoff as done without winning the selecting receiver's CAS (two
 * deliveries for one select).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // model checking is slow on a loaded machine
class SelectModelCheckTest {

  private static final int INVOCATIONS = Integer.getInteger("weft.modelcheck.invocations", 250);

  @BeforeAll
  static void initialiseApiClasses() {
    CancelScope.create(); // see SyncModelCheckTest: Lincheck restores static state per invocation
    MemoryStream<String> warm = MemoryStream.create(0); // the streams' statics, likewise
    try (MemoryReceiveStream<String> rx = warm.receiveStream();
        MemorySendStream<String> tx = warm.sendStream()) {
      Select.trySelect(() -> "none", rx.onReceive());
      Select.trySelect(() -> "none", tx.onSend("x"));
    }
  }

  /** Two rendezvous streams, a send and a receive handle each. */
  private record Two(MemorySendStream<String> txA, MemoryReceiveStream<String> rxA,
      MemorySendStream<String> txB, MemoryReceiveStream<String> rxB) {
    static Two create() {
      MemoryStream<String> a = MemoryStream.create(0);
      MemoryStream<String> b = MemoryStream.create(0);
      return new Two(a.sendStream(), a.receiveStream(), b.sendStream(), b.receiveStream());
    }
  }

  @Test
  void twoSendersRacingForOneSelectingReceiver_exactlyOneDelivers() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      HandDrivenTasks run = new HandDrivenTasks();
      AtomicReference<Task> task = new AtomicReference<>(run.newTask());
      AtomicReference<Two> s = new AtomicReference<>(Two.create());
      AtomicReference<String> selected = new AtomicReference<>();
      AtomicBoolean sentA = new AtomicBoolean();
      AtomicBoolean sentB = new AtomicBoolean();

      Thread selecting = new Thread(() -> {
        HandDrivenTasks.become(task.get());
        selected.set(Select.select(s.get().rxA().onReceive(), s.get().rxB().onReceive()));
      });
      Thread senderB = new Thread(() -> sentB.set(s.get().txB().trySend("b")));
      selecting.start();
      senderB.start();
      sentA.set(s.get().txA().trySend("a"));
      join(senderB);
      boolean late = false;
      if (!sentA.get() && !sentB.get()) {
        s.get().txA().send("late"); // the select still waits: this one must reach it
        late = true;
      }
      join(selecting);

      int delivered = (sentA.get() ? 1 : 0) + (sentB.get() ? 1 : 0) + (late ? 1 : 0);
      assertEquals(1, delivered, "deliveries");
      String expected = sentA.get() ? "a" : sentB.get() ? "b" : "late";
      assertEquals(expected, selected.get());
      assertEquals(0, s.get().rxA().statistics().tasksWaitingReceive());
      assertEquals(0, s.get().rxB().statistics().tasksWaitingReceive());
    });
  }

  @Test
  void oneSelectingSenderAndTwoReceivers_exactlyOneReceives() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      HandDrivenTasks run = new HandDrivenTasks();
      AtomicReference<Task> task = new AtomicReference<>(run.newTask());
      AtomicReference<Two> s = new AtomicReference<>(Two.create());
      AtomicReference<String> sentOn = new AtomicReference<>();
      AtomicReference<Optional<String>> gotB = new AtomicReference<>();

      Thread selecting = new Thread(() -> {
        HandDrivenTasks.become(task.get());
        sentOn.set(Select.select(
            s.get().txA().onSend("x", () -> "a"), s.get().txB().onSend("x", () -> "b")));
      });
      Thread receiverB = new Thread(() -> gotB.set(s.get().rxB().tryReceive()));
      selecting.start();
      receiverB.start();
      Optional<String> gotA = s.get().rxA().tryReceive();
      join(receiverB);
      boolean late = false;
      if (gotA.isEmpty() && gotB.get().isEmpty()) {
        assertEquals("x", s.get().rxA().receive());
        late = true;
      }
      join(selecting);

      int received = (gotA.isPresent() ? 1 : 0) + (gotB.get().isPresent() ? 1 : 0) + (late ? 1 : 0);
      assertEquals(1, received, "receptions");
      assertEquals(gotB.get().isPresent() ? "b" : "a", sentOn.get());
    });
  }

  @Test
  void aSelectFacingASelect_movesExactlyOneItem() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      HandDrivenTasks run = new HandDrivenTasks();
      AtomicReference<Task> receiverTask = new AtomicReference<>(run.newTask());
      AtomicReference<Task> senderTask = new AtomicReference<>(run.newTask());
      AtomicReference<Two> s = new AtomicReference<>(Two.create());
      AtomicReference<String> received = new AtomicReference<>();
      AtomicReference<String> sentOn = new AtomicReference<>();

      Thread receiving = new Thread(() -> {
        HandDrivenTasks.become(receiverTask.get());
        received.set(Select.select(
            s.get().rxA().onReceive(item -> "a:" + item), s.get().rxB().onReceive(i -> "b:" + i)));
      });
      receiving.start();
      HandDrivenTasks.become(senderTask.get());
      sentOn.set(Select.select(
          s.get().txA().onSend("1", () -> "a"), s.get().txB().onSend("2", () -> "b")));
      join(receiving);

      assertEquals(sentOn.get() + ":" + (sentOn.get().equals("a") ? "1" : "2"), received.get());
      assertEquals(Optional.empty(), s.get().rxA().tryReceive());
      assertEquals(Optional.empty(), s.get().rxB().tryReceive());
    });
  }

  @Test
  void aCancellationThatReturnedFirst_takesNothing() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      HandDrivenTasks run = new HandDrivenTasks();
      AtomicReference<Task> task = new AtomicReference<>(run.newTask());
      AtomicReference<Two> s = new AtomicReference<>(Two.create());
      AtomicReference<CancelScope> scope = new AtomicReference<>(CancelScope.create());
      AtomicBoolean selected = new AtomicBoolean();

      Thread selecting = new Thread(() -> {
        HandDrivenTasks.become(task.get());
        scope.get().run(() -> {
          Select.select(s.get().rxA().onReceive(), s.get().rxB().onReceive());
          selected.set(true);
        });
      });
      selecting.start();
      scope.get().cancel();
      boolean sent = s.get().txB().trySend("after cancel"); // starts after cancel() returned
      join(selecting);

      assertFalse(sent, "a rendezvous with the cancelled select");
      assertFalse(selected.get());
      assertTrue(scope.get().cancelledCaught());
    });
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}

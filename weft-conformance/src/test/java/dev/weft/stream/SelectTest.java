package dev.weft.stream;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskHandle;
import dev.weft.testing.Outcomes;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** Select over several streams: exactly one clause takes effect (semantics S13). */
class SelectTest {

  /** Two streams of one buffer size, with a send and a receive handle each. */
  private record Pair(MemoryStream<String> stream, MemorySendStream<String> tx,
      MemoryReceiveStream<String> rx) {
    static Pair of(int buffer, String name) {
      MemoryStream<String> s = MemoryStream.<String>create(buffer).named(name);
      return new Pair(s, s.sendStream(), s.receiveStream());
    }

    StreamStatistics stats() {
      return rx.statistics();
    }
  }

  @WeftTest
  void select_receivesFromTheStreamThatHasAnItem_andLeavesTheOtherUntouched(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    assertTrue(b.tx.trySend("from b"));

    String got = Runs.run(backend, () -> Select.select(a.rx.onReceive(), b.rx.onReceive()));

    assertEquals("from b", got);
    assertEquals(new StreamStatistics(0, 1, 1, 1, 0, 0), a.stats());
    assertEquals(new StreamStatistics(0, 1, 1, 1, 0, 0), b.stats());
  }

  @WeftTest
  void select_severalClausesReady_theFirstInOrderWins_theOtherKeepsItsItem(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    assertTrue(a.tx.trySend("from a"));
    assertTrue(b.tx.trySend("from b"));

    String got = Runs.run(backend, () -> Select.select(
        b.rx.onReceive(item -> "b gave " + item), a.rx.onReceive(item -> "a gave " + item)));

    assertEquals("b gave from b", got);
    assertEquals(Optional.of("from a"), a.rx.tryReceive());
  }

  @WeftTest
  void select_waitsForASenderOnEitherStream_andLeavesNoWaiterBehind(Backend backend) {
    Pair a = Pair.of(0, "a");
    Pair b = Pair.of(0, "b");

    String got = Runs.run(backend, () -> {
      AtomicReference<String> result = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<String> selecting =
            g.fork(() -> Select.select(a.rx.onReceive(), b.rx.onReceive()));
        until(() -> b.stats().tasksWaitingReceive() == 1);
        b.tx.send("hello");
        result.set(selecting.join());
      });
      return result.get();
    });

    assertEquals("hello", got);
    assertEquals(0, a.stats().tasksWaitingReceive());
    assertFalse(Runs.run(backend, () -> a.tx.trySend("nobody waits")));
  }

  @WeftTest
  void selectSend_aWaitingReceiverOnOneStream_getsItsItem_theOtherGetsNothing(Backend backend) {
    Pair a = Pair.of(0, "a");
    Pair b = Pair.of(0, "b");

    List<String> got = Runs.run(backend, () -> {
      AtomicReference<List<String>> result = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<String> receiver = g.fork(b.rx::receive);
        until(() -> b.stats().tasksWaitingReceive() == 1);
        String which = Select.select(a.tx.onSend("to a", () -> "a"), b.tx.onSend("to b", () -> "b"));
        result.set(List.of(which, receiver.join()));
      });
      return result.get();
    });

    assertEquals(List.of("b", "to b"), got);
    assertEquals(Optional.empty(), a.rx.tryReceive());
  }

  @WeftTest
  void selectSend_toABufferWithRoom_usesOneSlotOnly(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    assertTrue(a.tx.trySend("filler"));

    Void result = Runs.run(backend, () -> Select.select(a.tx.onSend("x"), b.tx.onSend("y")));

    assertNull(result);
    assertEquals(1, a.stats().bufferUsed());
    assertEquals(Optional.of("filler"), a.rx.tryReceive());
    assertEquals(Optional.of("y"), b.rx.tryReceive());
  }

  @WeftTest
  void select_facingASelect_movesExactlyOneItem(Backend backend) {
    Pair a = Pair.of(0, "a");
    Pair b = Pair.of(0, "b");

    List<String> moved = Runs.run(backend, () -> {
      AtomicReference<List<String>> result = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<String> receiving = g.fork(() -> Select.select(
            a.rx.onReceive(item -> "a:" + item), b.rx.onReceive(item -> "b:" + item)));
        TaskHandle<String> sending = g.fork(() -> Select.select(
            a.tx.onSend("1", () -> "a"), b.tx.onSend("2", () -> "b")));
        result.set(List.of(receiving.join(), sending.join()));
      });
      return result.get();
    });

    String sentOn = moved.get(1);
    assertEquals(sentOn + ":" + (sentOn.equals("a") ? "1" : "2"), moved.get(0));
    for (Pair p : List.of(a, b)) {
      assertEquals(new StreamStatistics(0, 0, 1, 1, 0, 0), p.stats());
    }
  }

  @WeftTest
  void select_cancelledWhileWaiting_takesNothing_andLaterItemsStayInTheStreams(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      g.startSoon(() -> scope.run(() -> Select.select(a.rx.onReceive(), b.rx.onReceive())));
      until(() -> a.stats().tasksWaitingReceive() == 1 && b.stats().tasksWaitingReceive() == 1);
      scope.cancel();
      a.tx.send("kept"); // after cancel() returned: never the cancelled select's (P4)
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals(Optional.of("kept"), a.rx.tryReceive());
    assertEquals(0, b.stats().tasksWaitingReceive());
  }

  @WeftTest
  void select_inACancelledScope_takesNothing_evenWithAnItemReady(Backend backend) {
    Pair a = Pair.of(1, "a");
    assertTrue(a.tx.trySend("ready"));
    CancelScope scope = CancelScope.create();
    scope.cancel();

    Runs.exec(backend, () -> scope.run(() -> Select.select(a.rx.onReceive())));

    assertTrue(scope.cancelledCaught());
    assertEquals(Optional.of("ready"), a.rx.tryReceive());
  }

  @WeftTest
  void select_aStreamThatEnded_throwsEndOfStreamNamingIt_andTheOtherClauseTookNothing(
      Backend backend) {
    Pair ended = Pair.of(1, "orders");
    Pair b = Pair.of(1, "b");
    ended.tx.close();
    assertTrue(b.tx.trySend("waiting"));

    EndOfStreamException e = assertThrows(EndOfStreamException.class, () ->
        Runs.run(backend, () -> Select.select(ended.rx.onReceive(), b.rx.onReceive())));

    assertTrue(e.getMessage().contains("memory stream 'orders'"), e.getMessage());
    assertEquals(Optional.of("waiting"), b.rx.tryReceive());
  }

  @WeftTest
  void select_lastSenderClosedWhileWaiting_wakesItWithEndOfStreamNamingTheStream(
      Backend backend) {
    Pair a = Pair.of(0, "a");
    Pair b = Pair.of(0, "b");
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      g.startSoon(() -> thrown.set(
          Outcomes.thrownBy(() -> Select.select(a.rx.onReceive(), b.rx.onReceive()))));
      until(() -> b.stats().tasksWaitingReceive() == 1);
      b.tx.close();
    }));

    EndOfStreamException e = assertInstanceOf(EndOfStreamException.class, thrown.get());
    assertTrue(e.getMessage().contains("memory stream 'b'"), e.getMessage());
    assertEquals(0, a.stats().tasksWaitingReceive());
  }

  @WeftTest
  void selectSend_toABrokenStream_throwsBroken_andTheItemWasNotSent(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    b.rx.close();
    assertTrue(a.tx.trySend("filler"));

    assertThrows(BrokenResourceException.class, () ->
        Runs.run(backend, () -> Select.select(a.tx.onSend("x"), b.tx.onSend("y"))));

    assertEquals(Optional.of("filler"), a.rx.tryReceive());
    assertEquals(Optional.empty(), a.rx.tryReceive());
  }

  @WeftTest
  void select_onAClosedHandle_throwsClosedResource(Backend backend) {
    Pair a = Pair.of(1, "a");
    a.rx.close();

    assertThrows(ClosedResourceException.class,
        () -> Runs.run(backend, () -> Select.select(a.rx.onReceive())));
  }

  @WeftTest
  void trySelect_nothingReady_returnsOtherwise_andQueuesNothing(Backend backend) {
    Pair a = Pair.of(0, "a");
    Pair b = Pair.of(1, "b");

    String got = Runs.run(backend,
        () -> Select.trySelect(() -> "idle", a.rx.onReceive(), b.rx.onReceive()));

    assertEquals("idle", got);
    assertEquals(0, a.stats().tasksWaitingReceive());
    assertEquals(0, b.stats().tasksWaitingReceive());
  }

  @WeftTest
  void trySelect_aReadyClause_takesEffect(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    assertTrue(a.tx.trySend("filler"));

    String got = Runs.run(backend,
        () -> Select.trySelect(() -> "idle", a.tx.onSend("x", () -> "a"), b.tx.onSend("y", () -> "b")));

    assertEquals("b", got);
    assertEquals(Optional.of("y"), b.rx.tryReceive());
  }

  @WeftTest
  void select_withinATimeLimit_isEmptyWhenNothingCame_andTookNothing(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");

    Optional<String> got = Runs.run(backend, () -> Timeouts.resultWithin(Duration.ofMillis(20),
        () -> Select.select(a.rx.onReceive(), b.rx.onReceive())));

    assertEquals(Optional.empty(), got);
    assertEquals(0, a.stats().tasksWaitingReceive());
    assertTrue(a.tx.trySend("later"));
    assertEquals(Optional.of("later"), a.rx.tryReceive());
  }

  @WeftTest
  void select_theSameHandleTwice_receivesOnce_andLeavesNoWaiter(Backend backend) {
    Pair a = Pair.of(0, "a");

    String got = Runs.run(backend, () -> {
      AtomicReference<String> result = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<String> selecting = g.fork(() -> Select.select(
            a.rx.onReceive(item -> "first " + item), a.rx.onReceive(item -> "second " + item)));
        until(() -> a.stats().tasksWaitingReceive() == 2);
        a.tx.send("x");
        result.set(selecting.join());
      });
      return result.get();
    });

    assertEquals("first x", got);
    assertEquals(0, a.stats().tasksWaitingReceive());
  }

  @WeftTest
  void then_runsAfterTheDecision_andWhenItThrows_theItemWasStillReceived(Backend backend) {
    Pair a = Pair.of(1, "a");
    assertTrue(a.tx.trySend("taken"));
    IllegalStateException boom = new IllegalStateException("handler failed");

    Throwable thrown = Outcomes.thrownBy(() -> Runs.run(backend, () -> Select.select(
        a.rx.onReceive(item -> {
          throw boom;
        }))));

    assertEquals(boom, thrown);
    assertEquals(Optional.empty(), a.rx.tryReceive());
  }

  @WeftTest
  void badInput_getsClearErrors(Backend backend) {
    Pair a = Pair.of(1, "a");

    Runs.exec(backend, () -> {
      IllegalArgumentException none =
          assertThrows(IllegalArgumentException.class, () -> Select.select(List.of()));
      assertTrue(none.getMessage().contains("clauses"), none.getMessage());
      NullPointerException nullClause = assertThrows(NullPointerException.class,
          () -> Select.select(a.rx.onReceive(), null));
      assertEquals("clauses[1]", nullClause.getMessage());
      IllegalArgumentException bothSides = assertThrows(IllegalArgumentException.class,
          () -> Select.select(a.rx.onReceive(), a.tx.onSend("x")));
      assertTrue(bothSides.getMessage().contains("both send to and receive from"),
          bothSides.getMessage());
      assertThrows(NullPointerException.class, () -> a.tx.onSend(null));
    });
    assertEquals(0, a.stats().bufferUsed(), "nothing was sent by the refused selects");
  }

  @WeftTest
  void cancelledException_isNotAStreamError(Backend backend) {
    // A select's own cancellation is a CancelledException, whatever its clauses' streams are.
    Pair a = Pair.of(0, "a");
    CancelScope scope = CancelScope.create();
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      thrown.set(Outcomes.thrownBy(() -> Select.select(a.rx.onReceive())));
    }));

    assertInstanceOf(CancelledException.class, thrown.get());
  }

  @WeftTest
  void onReceiveWithIfEnded_theEndIsAnOutcome_soAMergeRunsUntilEveryStreamEnded(Backend backend) {
    Pair a = Pair.of(1, "a");
    Pair b = Pair.of(1, "b");
    assertTrue(b.tx.trySend("last of b"));
    a.tx.close();
    b.tx.close();

    List<String> seen = Runs.run(backend, () -> {
      List<String> got = new java.util.ArrayList<>();
      boolean aOpen = true;
      boolean bOpen = true;
      while (aOpen || bOpen) {
        List<SelectClause<String>> clauses = new java.util.ArrayList<>();
        if (aOpen) {
          clauses.add(a.rx.onReceive(item -> item, () -> "a ended"));
        }
        if (bOpen) {
          clauses.add(b.rx.onReceive(item -> item, () -> "b ended"));
        }
        String next = Select.select(clauses);
        aOpen &= !next.equals("a ended");
        bOpen &= !next.equals("b ended");
        got.add(next);
      }
      return got;
    });

    assertEquals(List.of("a ended", "last of b", "b ended"), seen);
  }
}

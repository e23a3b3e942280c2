package dev.weft.stream;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every send and receive is exactly-once under cancellation: a waiting task is handed its item or
 * cancelled, never both and never neither, and no sender ever skips a live receiver. Includes the
 * scenarios of AnyIO issues #728, #771 and #832 (the bug that started Weft).
 */
class MemoryStreamCancellationTest {

  // ---- the seed's scenarios: a shielded receiver inside a cancelled scope ----------------------

  @WeftTest
  void send_toShieldedReceiverInCancelledScope_delivers_rendezvous(Backend backend) {
    assertShieldedReceiverGetsItem(backend, 0, false);
  }

  @WeftTest
  void send_toShieldedReceiverInCancelledScope_delivers_buffer1(Backend backend) {
    assertShieldedReceiverGetsItem(backend, 1, false);
  }

  @WeftTest
  void trySend_toShieldedReceiverInCancelledScope_delivers_rendezvous(Backend backend) {
    assertShieldedReceiverGetsItem(backend, 0, true);
  }

  @WeftTest
  void trySend_toShieldedReceiverInCancelledScope_delivers_buffer1(Backend backend) {
    assertShieldedReceiverGetsItem(backend, 1, true);
  }

  private static void assertShieldedReceiverGetsItem(Backend backend, int buffer, boolean trySend) {
    MemoryStream<String> stream = MemoryStream.create(buffer);
    CancelScope outer = CancelScope.create();
    AtomicReference<String> received = new AtomicReference<>();

    StreamStatistics after = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon("receiver", () -> outer.run(() -> {
          outer.cancel();
          CancelScope.shielded().run(() -> received.set(stream.receiveStream().receive()));
        }));
        until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
        if (trySend) {
          assertTrue(stream.sendStream().trySend("item"), "handed to the waiting receiver");
        } else {
          stream.sendStream().send("item");
        }
      });
      return stream.sendStream().statistics();
    });

    assertEquals("item", received.get());
    assertEquals(0, after.bufferUsed(), "the item went to the receiver, not the buffer");
    assertTrue(outer.cancelCalled());
  }

  @WeftTest
  void receiveInFinallyAfterCaughtCancellation_inAShield_getsTheItem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope outer = CancelScope.create();
    AtomicReference<String> received = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> outer.run(() -> {
        try {
          outer.cancel();
          Weft.checkpoint();
        } finally {
          CancelScope.shielded().run(() -> received.set(stream.receiveStream().receive()));
        }
      }));
      until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
      stream.sendStream().send("last words");
    }));

    assertEquals("last words", received.get());
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void cancellationAfterHandoff_receiverStillReturnsTheItem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope scope = CancelScope.create();
    Event cancelled = new Event();
    List<String> events = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> scope.run(() -> {
        events.add("received " + stream.receiveStream().receive());
        CancelScope.shielded().run(cancelled::await);
        try {
          Weft.checkpoint();
        } catch (CancelledException e) {
          events.add("cancelled at the next checkpoint");
          throw e;
        }
      }));
      until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
      assertTrue(stream.sendStream().trySend("item"));
      scope.cancel();
      cancelled.set();
    }));

    assertEquals(List.of("received item", "cancelled at the next checkpoint"), events);
  }

  @WeftTest
  void cancellationAfterItemTaken_senderReturnsNormally(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope scope = CancelScope.create();
    Event cancelled = new Event();
    List<String> events = new ArrayList<>();

    Optional<String> taken = Runs.run(backend, () -> {
      AtomicReference<Optional<String>> got = new AtomicReference<>();
      TaskGroup.run(group -> {
        group.startSoon("sender", () -> scope.run(() -> {
          stream.sendStream().send("item");
          events.add("send returned");
          CancelScope.shielded().run(cancelled::await);
          Weft.checkpoint();
        }));
        until(() -> stream.sendStream().statistics().tasksWaitingSend() == 1);
        got.set(stream.receiveStream().tryReceive());
        scope.cancel();
        cancelled.set();
      });
      return got.get();
    });

    assertEquals(Optional.of("item"), taken);
    assertEquals(List.of("send returned"), events);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void componentCancelledFromOutside_sendsLastMessageFromShieldedFinally_toShieldedConsumer(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    List<String> consumed = new ArrayList<>();
    Event started = new Event();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("consumer", () -> CancelScope.shielded().run(() -> {
        try (MemoryReceiveStream<String> rx = stream.receiveStream()) {
          for (String message : rx) {
            consumed.add(message);
          }
        }
      }));
      group.startSoon("component", () -> withComponent(stream.sendStream(), () -> {
        stream.sendStream().send("working");
        started.set();
        Weft.sleepForever();
      }));
      started.await();
      group.cancelScope().cancel("shutting down");
    }));

    assertEquals(List.of("working", "goodbye"), consumed);
  }

  /**
   * A lambda-scoped resource that owns a send stream (the Java shape of an async context manager):
   * however its body ends, it says goodbye and closes the stream, in a shield.
   */
  private static void withComponent(MemorySendStream<String> tx, Runnable body) {
    try {
      body.run();
    } finally {
      CancelScope.shielded().run(() -> {
        try (tx) {
          tx.send("goodbye");
        }
      });
    }
  }

  // ---- exactly once -----------------------------------------------------------------------------

  @WeftTest
  void cancelledWaitingSender_deliversNothing_andLeavesTheQueue(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope scope = CancelScope.create();

    List<Object> after = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon("sender", () -> scope.run(() -> stream.sendStream().send("never")));
        until(() -> stream.sendStream().statistics().tasksWaitingSend() == 1);
        scope.cancel();
      });
      return List.of(stream.receiveStream().tryReceive(), stream.sendStream().statistics());
    });

    assertEquals(Optional.empty(), after.get(0));
    assertEquals(0, ((StreamStatistics) after.get(1)).tasksWaitingSend());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void cancelledWaitingReceiver_takesNothing_laterItemStaysInTheStream(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    CancelScope scope = CancelScope.create();

    Optional<String> later = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon("receiver", () -> scope.run(() -> stream.receiveStream().receive()));
        until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
        scope.cancel();
      });
      assertTrue(stream.sendStream().trySend("item"));
      return stream.receiveStream().tryReceive();
    });

    assertEquals(Optional.of("item"), later);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void receiverCancelledButNotYetRun_itemGoesToBufferNotToIt_anyio728(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    CancelScope scope = CancelScope.create();

    Optional<String> buffered = Runs.run(backend, () -> {
      AtomicReference<Optional<String>> got = new AtomicReference<>();
      TaskGroup.run(group -> {
        group.startSoon("receiver", () -> scope.run(() -> stream.receiveStream().receive()));
        until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
        scope.cancel();
        assertTrue(stream.sendStream().trySend("item"));
        got.set(stream.receiveStream().tryReceive());
      });
      return got.get();
    });

    assertEquals(Optional.of("item"), buffered);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void receiverCancelledButNotYetRun_rendezvousTrySendWouldBlock_anyio728(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope scope = CancelScope.create();

    boolean sent = Runs.run(backend, () -> {
      AtomicReference<Boolean> result = new AtomicReference<>();
      TaskGroup.run(group -> {
        group.startSoon("receiver", () -> scope.run(() -> stream.receiveStream().receive()));
        until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
        scope.cancel();
        result.set(stream.sendStream().trySend("item"));
      });
      return result.get();
    });

    assertFalse(sent, "a cancelled receiver is never handed an item");
  }

  @WeftTest
  void sendInCancelledScope_sendsNothing_evenToAWaitingReceiver(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope scope = CancelScope.create();
    AtomicReference<String> received = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> received.set(stream.receiveStream().receive()));
      until(() -> stream.sendStream().statistics().tasksWaitingReceive() == 1);
      scope.run(() -> {
        scope.cancel();
        stream.sendStream().send("hello");
      });
      stream.sendStream().send("world");
    }));

    assertEquals("world", received.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void receiveInCancelledScope_takesNothing_evenFromWaitingSenders(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    CancelScope scope = CancelScope.create();

    List<String> received = Runs.run(backend, () -> {
      List<String> got = new ArrayList<>();
      TaskGroup.run(group -> {
        group.startSoon("hello", () -> stream.sendStream().send("hello"));
        until(() -> stream.sendStream().statistics().tasksWaitingSend() == 1);
        group.startSoon("world", () -> stream.sendStream().send("world"));
        until(() -> stream.sendStream().statistics().tasksWaitingSend() == 2);
        scope.run(() -> {
          scope.cancel();
          got.add(stream.receiveStream().receive());
        });
        got.add(stream.receiveStream().receive());
        got.add(stream.receiveStream().receive());
      });
      return got;
    });

    assertEquals(List.of("hello", "world"), received);
  }

  @WeftTest
  void threadOutsideWeft_interruptedWhileSending_deliversNothing(Backend backend)
      throws InterruptedException {
    MemoryStream<String> stream = MemoryStream.create(0);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      try {
        stream.sendStream().send("never");
        outcome.set(null);
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    until(() -> stream.sendStream().statistics().tasksWaitingSend() == 1);

    plain.interrupt();
    plain.join();

    assertInstanceOf(CancelledException.class, outcome.get());
    Optional<String> left = Runs.run(backend, () -> stream.receiveStream().tryReceive());
    assertEquals(Optional.empty(), left);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a thread outside the run takes part
  void threadOutsideWeft_feedsATaskThroughTheStream(Backend backend) throws InterruptedException {
    MemoryStream<Integer> stream = MemoryStream.create(0);
    Thread legacy = Thread.ofPlatform().start(() -> {
      try (MemorySendStream<Integer> tx = stream.sendStream()) {
        for (int i = 0; i < 100; i++) {
          tx.send(i);
        }
      }
    });

    int sum = Runs.run(backend, () -> {
      int total = 0;
      for (int i : stream.receiveStream()) {
        total += i;
      }
      return total;
    });
    legacy.join();

    assertEquals(4950, sum);
  }
}

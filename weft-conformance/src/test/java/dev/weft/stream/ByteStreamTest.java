package dev.weft.stream;

import static dev.weft.testing.Until.parkedInWeft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.sync.BusyResourceException;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskHandle;
import dev.weft.testing.Outcomes;
import dev.weft.time.Timeouts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/** In-memory byte stream pairs (semantics N). */
class ByteStreamTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Receives once into a buffer of {@code room} bytes; the text received, or "END". */
  private static String receiveText(ByteReceiveStream in, int room) {
    ByteBuffer dst = ByteBuffer.allocate(room);
    int n = in.receive(dst);
    return n < 0 ? "END" : new String(dst.array(), 0, n, StandardCharsets.UTF_8);
  }

  @WeftTest
  void receive_getsWhatWasSent_inOrder_acrossCalls(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("hello "));
      p.a().send(bytes("world"));
      return receiveText(p.b(), 4) + "|" + receiveText(p.b(), 100);
    });

    assertEquals("hell|o world", got);
  }

  @WeftTest
  void receiveCancelledByADeadline_consumesNothing_theNextReceiveGetsEveryByte(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();

    String got = Runs.run(backend, () -> {
      Optional<String> early =
          Timeouts.resultWithin(Duration.ofMillis(20), () -> receiveText(p.b(), 100));
      assertEquals(Optional.empty(), early);
      p.a().send(bytes("every byte"));
      return receiveText(p.b(), 100);
    });

    assertEquals("every byte", got);
  }

  @WeftTest
  void receive_afterThePeerSentEof_drainsThenReturnsMinusOne(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("last"));
      p.a().sendEof();
      return receiveText(p.b(), 100) + "|" + receiveText(p.b(), 100) + "|"
          + receiveText(p.b(), 100);
    });

    assertEquals("last|END|END", got);
  }

  @WeftTest
  void receive_intoAFullBuffer_throwsNamingDst(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Runs.run(backend, () -> p.b().receive(ByteBuffer.allocate(0))));

    assertTrue(e.getMessage().startsWith("dst must have room"), e.getMessage());
  }

  @WeftTest
  void lockstepSend_returnsOnlyWhenThePeerReceivedEveryByte(Backend backend) {
    ByteStreams.Pair p = ByteStreams.lockstepPair();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      TaskHandle<Object> sender = g.fork(() -> {
        p.a().send(bytes("abcdef"));
        return "sent";
      });
      assertEquals("abc", receiveText(p.b(), 3));
      assertEquals(Future.State.RUNNING, sender.state(), "half received: the send still waits");
      assertEquals("def", receiveText(p.b(), 3));
      assertEquals("sent", sender.join());
    }));
  }

  @WeftTest
  void lockstepSendCancelledBeforeAnyByteWasReceived_leavesTheStreamUsable(Backend backend) {
    ByteStreams.Pair p = ByteStreams.lockstepPair();
    CancelScope sendScope = CancelScope.create();

    String got = Runs.run(backend, () -> {
      Event sending = new Event();
      TaskGroup.run(g -> {
        g.startSoon(() -> sendScope.run(() -> {
          sending.set();
          p.a().send(bytes("withdrawn"));
        }));
        sending.await();
        sendScope.cancel();
      });
      assertEquals(Optional.empty(),
          Timeouts.resultWithin(Duration.ofMillis(20), () -> receiveText(p.b(), 100)));
      AtomicReference<String> received = new AtomicReference<>();
      TaskGroup.run(g -> {
        g.startSoon(() -> p.a().send(bytes("next")));
        received.set(receiveText(p.b(), 100));
      });
      return received.get();
    });

    assertTrue(sendScope.cancelledCaught());
    assertEquals("next", got);
  }

  @WeftTest
  void lockstepSendCancelledAfterPartOfItWasReceived_breaksTheStreamForSends(Backend backend) {
    ByteStreams.Pair p = ByteStreams.lockstepPair();
    CancelScope sendScope = CancelScope.create();

    Throwable laterSend = Runs.run(backend, () -> {
      TaskGroup.run(g -> {
        g.startSoon(() -> sendScope.run(() -> p.a().send(bytes("0123456789"))));
        assertEquals("0123", receiveText(p.b(), 4));
        sendScope.cancel();
      });
      p.a().sendEof();
      assertEquals("END", receiveText(p.b(), 100), "the unreceived 6 bytes were taken back");
      return Outcomes.thrownBy(() -> p.a().send(bytes("x")));
    });

    assertTrue(sendScope.cancelledCaught());
    assertInstanceOf(ClosedResourceException.class, laterSend, "after sendEof: closed first");
    ByteStreams.Pair q = ByteStreams.lockstepPair();
    CancelScope again = CancelScope.create();
    Throwable broken = Runs.run(backend, () -> {
      TaskGroup.run(g -> {
        g.startSoon(() -> again.run(() -> q.a().send(bytes("0123456789"))));
        assertEquals("01", receiveText(q.b(), 2));
        again.cancel();
      });
      return Outcomes.thrownBy(() -> q.a().send(bytes("x")));
    });
    BrokenResourceException e = assertInstanceOf(BrokenResourceException.class, broken);
    assertTrue(e.getMessage().contains("cancelled after part of it was received"), e.getMessage());
  }

  @WeftTest
  void sendEof_peerDrainsThenSeesTheEnd_andALaterSendIsClosed(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();

    Runs.exec(backend, () -> {
      p.a().send(bytes("x"));
      p.a().sendEof();
      assertEquals("x", receiveText(p.b(), 10));
      assertEquals("END", receiveText(p.b(), 10));
      assertThrows(ClosedResourceException.class, () -> p.a().send(bytes("y")));
      p.b().send(bytes("still two-way"));
      assertEquals("still two-way", receiveText(p.a(), 100));
    });
  }

  @WeftTest
  void close_wakesThisEndsBlockedReceiveWithClosedResource(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    AtomicReference<Thread> receiver = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      g.startSoon(() -> {
        receiver.set(Thread.currentThread());
        thrown.set(Outcomes.thrownBy(() -> receiveText(p.a(), 10)));
      });
      parkedInWeft(receiver::get);
      p.a().close();
    }));

    assertInstanceOf(ClosedResourceException.class, thrown.get());
  }

  @WeftTest
  void close_peerReceivesTheEnd_andPeerSendsAreBroken(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();

    Runs.exec(backend, () -> {
      p.a().send(bytes("bye"));
      p.a().close();
      p.a().close(); // idempotent
      assertEquals("bye", receiveText(p.b(), 10));
      assertEquals("END", receiveText(p.b(), 10));
      assertThrows(BrokenResourceException.class, () -> p.b().send(bytes("anyone?")));
      assertThrows(ClosedResourceException.class, () -> p.a().send(bytes("me")));
      assertThrows(ClosedResourceException.class, () -> receiveText(p.a(), 10));
    });
  }

  @WeftTest
  void close_inACancelledScope_stillCloses(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    CancelScope scope = CancelScope.create();
    scope.cancel();

    String got = Runs.run(backend, () -> {
      scope.run(() -> p.a().close());
      return receiveText(p.b(), 10);
    });

    assertEquals("END", got);
  }

  @WeftTest
  void concurrentReceives_theSecondIsBusy(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    AtomicReference<Thread> first = new AtomicReference<>();

    String got = Runs.run(backend, () -> {
      AtomicReference<String> firstGot = new AtomicReference<>();
      TaskGroup.run(g -> {
        g.startSoon(() -> {
          first.set(Thread.currentThread());
          firstGot.set(receiveText(p.b(), 100));
        });
        parkedInWeft(first::get);
        BusyResourceException e =
            assertThrows(BusyResourceException.class, () -> receiveText(p.b(), 10));
        assertTrue(e.getMessage().contains("already receiving"), e.getMessage());
        p.a().send(bytes("for the first"));
      });
      return firstGot.get();
    });

    assertEquals("for the first", got);
  }

  @WeftTest
  void memoryAndLockstepPairs_passTheReusableChecks(Backend backend) {
    Runs.exec(backend, () -> {
      dev.weft.junit.ByteStreamChecks.checkHalfCloseable(ByteStreams::memoryPair);
      dev.weft.junit.ByteStreamChecks.checkHalfCloseable(ByteStreams::lockstepPair);
    });
  }
}

package dev.weft.stream;

import static dev.weft.testing.Outcomes.failureOf;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closing a handle wakes the tasks blocked on that handle, and closing a side's last handle wakes
 * the other side, without delivering any item that was withdrawn.
 */
class MemoryStreamCloseTest {

  // ---- the last close of a side wakes the other side --------------------------------------------

  @WeftTest
  void lastSendClose_wakesABlockedReceiverWithEndOfStream(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Throwable> receiverGot = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> receiverGot.set(failureOf(r::receive)));
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      stream.sendStream().close();
    }));

    assertInstanceOf(EndOfStreamException.class, receiverGot.get());
    assertEquals(0, r.statistics().tasksWaitingReceive());
  }

  @WeftTest
  void lastSendClose_wakesEveryBlockedReceiverWithEndOfStream(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();
    MemoryReceiveStream<String> r2 = r.clone();
    List<Throwable> outcomes = new CopyOnWriteArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (MemoryReceiveStream<String> handle : List.of(r, r, r2)) {
        group.startSoon(() -> outcomes.add(failureOf(handle::receive)));
      }
      until(() -> r.statistics().tasksWaitingReceive() == 3);
      stream.sendStream().close();
    }));

    assertEquals(3, outcomes.size());
    for (Throwable outcome : outcomes) {
      assertInstanceOf(EndOfStreamException.class, outcome);
    }
  }

  @WeftTest
  void lastReceiveClose_wakesABlockedSenderWithBroken(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    AtomicReference<Throwable> senderGot = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sender", () -> senderGot.set(failureOf(() -> s.send("hello"))));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      stream.receiveStream().close();
    }));

    assertInstanceOf(BrokenResourceException.class, senderGot.get());
  }

  @WeftTest
  void lastReceiveClose_wakesSendersBlockedOnEverySendCloneWithBroken(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s1 = stream.sendStream();
    MemorySendStream<String> s2 = s1.clone();
    AtomicReference<Throwable> onS1 = new AtomicReference<>();
    AtomicReference<Throwable> onS2 = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("on s1", () -> onS1.set(failureOf(() -> s1.send("one"))));
      group.startSoon("on s2", () -> onS2.set(failureOf(() -> s2.send("two"))));
      until(() -> s1.statistics().tasksWaitingSend() == 2);
      stream.receiveStream().close();
    }));

    assertInstanceOf(BrokenResourceException.class, onS1.get());
    assertInstanceOf(BrokenResourceException.class, onS2.get());
  }

  @WeftTest
  void lastReceiveClose_removesBlockedSendersAndEmptiesTheBufferAtOnce(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    AtomicReference<StreamStatistics> rightAfterClose = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend("buffered");
      for (int i = 0; i < 2; i++) {
        group.startSoon(() -> failureOf(() -> s.send("blocked")));
      }
      until(() -> s.statistics().tasksWaitingSend() == 2);
      stream.receiveStream().close();
      rightAfterClose.set(s.statistics());
    }));

    assertEquals(new StreamStatistics(0, 1, 1, 0, 0, 0), rightAfterClose.get());
  }

  // ---- closing a handle wakes the tasks blocked on that handle ----------------------------------

  @WeftTest
  void closeTheOnlySendHandle_wakesItsBlockedSenderWithClosedResource_andWithdrawsTheItem(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Throwable> senderGot = new AtomicReference<>();
    AtomicReference<Throwable> laterReceive = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sender", () -> senderGot.set(failureOf(() -> s.send("withdrawn"))));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      s.close();
      laterReceive.set(failureOf(r::tryReceive));
    }));

    assertInstanceOf(ClosedResourceException.class, senderGot.get());
    assertInstanceOf(EndOfStreamException.class, laterReceive.get());
  }

  @WeftTest
  void lastSendClose_leavesNoSenderWaiting(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    List<Throwable> outcomes = new CopyOnWriteArrayList<>();
    AtomicReference<StreamStatistics> rightAfterClose = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend("buffered");
      for (int i = 0; i < 2; i++) {
        group.startSoon(() -> outcomes.add(failureOf(() -> s.send("blocked"))));
      }
      until(() -> s.statistics().tasksWaitingSend() == 2);
      s.close();
      rightAfterClose.set(s.statistics());
    }));

    assertEquals(new StreamStatistics(1, 1, 0, 1, 0, 0), rightAfterClose.get());
    assertEquals(2, outcomes.size());
    for (Throwable outcome : outcomes) {
      assertInstanceOf(ClosedResourceException.class, outcome);
    }
  }

  @WeftTest
  void closeSendHandle_whileACloneStaysOpen_wakesOnlyItsOwnSender_andItsItemIsNeverDelivered(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s1 = stream.sendStream();
    MemorySendStream<String> s2 = s1.clone();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Throwable> onS1 = new AtomicReference<>();
    AtomicBoolean s2SendReturned = new AtomicBoolean();
    List<String> received = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("on s1", () -> onS1.set(failureOf(() -> s1.send("lost"))));
      until(() -> r.statistics().tasksWaitingSend() == 1);
      group.startSoon("on s2", () -> {
        try (s2) {
          s2.send("kept");
          s2SendReturned.set(true);
        }
      });
      until(() -> r.statistics().tasksWaitingSend() == 2);
      s1.close();
      for (String item : r) {
        received.add(item);
      }
    }));

    assertInstanceOf(ClosedResourceException.class, onS1.get());
    assertTrue(s2SendReturned.get());
    assertEquals(List.of("kept"), received);
  }

  @WeftTest
  void closeNonLastSendHandle_leavesBlockedReceiversWaiting(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<StreamStatistics> rightAfterClose = new AtomicReference<>();
    AtomicReference<String> received = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      MemorySendStream<String> s2 = s.clone();
      group.startSoon("receiver", () -> received.set(r.receive()));
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      s2.close();
      rightAfterClose.set(r.statistics());
      s.send("ok");
    }));

    assertEquals(new StreamStatistics(0, 0, 1, 1, 0, 1), rightAfterClose.get());
    assertEquals("ok", received.get());
  }

  @WeftTest
  void closeReceiveHandle_whileACloneStaysOpen_wakesOnlyItsOwnReceiver(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r1 = stream.receiveStream();
    MemoryReceiveStream<String> r2 = r1.clone();
    AtomicReference<Throwable> onR1 = new AtomicReference<>();
    AtomicReference<String> onR2 = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("on r1", () -> onR1.set(failureOf(r1::receive)));
      until(() -> s.statistics().tasksWaitingReceive() == 1);
      group.startSoon("on r2", () -> onR2.set(r2.receive()));
      until(() -> s.statistics().tasksWaitingReceive() == 2);
      r1.close();
      s.send("ok");
    }));

    assertInstanceOf(ClosedResourceException.class, onR1.get());
    assertEquals("ok", onR2.get());
  }

  @WeftTest
  void closeReceiveHandle_whileACloneStaysOpen_itsWokenReceiverTakesNothing(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r1 = stream.receiveStream();
    MemoryReceiveStream<String> r2 = r1.clone();
    AtomicReference<Throwable> onR1 = new AtomicReference<>();
    AtomicReference<Boolean> sentAfterClose = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("on r1", () -> onR1.set(failureOf(r1::receive)));
      until(() -> s.statistics().tasksWaitingReceive() == 1);
      r1.close();
      sentAfterClose.set(s.trySend("nobody waits"));
    }));

    assertInstanceOf(ClosedResourceException.class, onR1.get());
    assertFalse(sentAfterClose.get());
    assertEquals(new StreamStatistics(0, 0, 1, 1, 0, 0), r2.statistics());
  }

  @WeftTest
  void closeTheOnlyReceiveHandle_wakesItsBlockedReceiverWithClosedResourceNotEndOfStream(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Throwable> receiverGot = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> receiverGot.set(failureOf(r::receive)));
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      r.close();
    }));

    assertInstanceOf(ClosedResourceException.class, receiverGot.get());
  }

  @WeftTest
  void closeNonLastReceiveHandle_leavesBlockedSendersWaiting(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<StreamStatistics> rightAfterClose = new AtomicReference<>();
    AtomicReference<String> received = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      MemoryReceiveStream<String> r2 = r.clone();
      group.startSoon("sender", () -> s.send("ok"));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      r2.close();
      rightAfterClose.set(s.statistics());
      received.set(r.receive());
    }));

    assertEquals(new StreamStatistics(0, 0, 1, 1, 1, 0), rightAfterClose.get());
    assertEquals("ok", received.get());
  }

  // ---- close itself -----------------------------------------------------------------------------

  @WeftTest
  void close_inCancelledScope_completesBecauseItIsNotACheckpoint(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    CancelScope scope = CancelScope.create();
    AtomicBoolean reachedEnd = new AtomicBoolean();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      stream.sendStream().close();
      stream.receiveStream().close();
      reachedEnd.set(true);
    }));

    assertTrue(reachedEnd.get());
    assertFalse(scope.cancelledCaught());
    assertEquals(new StreamStatistics(0, 1, 0, 0, 0, 0), stream.sendStream().statistics());
  }

  @WeftTest
  void senderAndReceiverEachCloseTheirEndRightAfterOneRendezvous_bothCompleteNormally(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    AtomicReference<String> received = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sender", () -> {
        try (MemorySendStream<String> s = stream.sendStream()) {
          s.send("hello");
        }
      });
      group.startSoon("receiver", () -> {
        try (MemoryReceiveStream<String> r = stream.receiveStream()) {
          received.set(r.receive());
        }
      });
    }));

    assertEquals("hello", received.get());
    assertEquals(new StreamStatistics(0, 0, 0, 0, 0, 0), stream.sendStream().statistics());
  }

  // ---- threads that no Weft run started ---------------------------------------------------------

  @WeftTest
  void threadOutsideWeft_blockedInReceive_isWokenByLastSendCloseWithEndOfStream(Backend backend)
      throws InterruptedException {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Throwable> plainGot = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> plainGot.set(failureOf(r::receive)));
    until(() -> r.statistics().tasksWaitingReceive() == 1);

    Runs.exec(backend, stream.sendStream()::close);
    plain.join();

    assertInstanceOf(EndOfStreamException.class, plainGot.get());
  }

  @WeftTest
  void threadOutsideWeft_blockedInSend_isWokenByLastReceiveCloseWithBroken(Backend backend)
      throws InterruptedException {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    AtomicReference<Throwable> plainGot = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> plainGot.set(failureOf(() -> s.send("x"))));
    until(() -> s.statistics().tasksWaitingSend() == 1);

    Runs.exec(backend, stream.receiveStream()::close);
    plain.join();

    assertInstanceOf(BrokenResourceException.class, plainGot.get());
  }

  @WeftTest
  void threadOutsideWeft_blockedInSendOnAClosedHandle_getsClosedResource_andItemIsWithdrawn(
      Backend backend) throws InterruptedException {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s1 = stream.sendStream();
    MemorySendStream<String> s2 = s1.clone();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Throwable> plainGot = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> plainGot.set(failureOf(() -> s1.send("x"))));
    until(() -> s1.statistics().tasksWaitingSend() == 1);

    Optional<String> afterClose = Runs.run(backend, () -> {
      s1.close();
      return r.tryReceive();
    });
    plain.join();

    assertInstanceOf(ClosedResourceException.class, plainGot.get());
    assertEquals(Optional.empty(), afterClose);
    assertEquals(1, s2.statistics().openSendStreams());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Runs {@code operation} and returns what it threw, or {@code null} if it returned. */
}

package dev.weft.stream;

import static dev.weft.testing.Outcomes.failureOf;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/** A memory stream delivers every item exactly once, in order, with Weft's error precedence. */
class MemoryStreamTest {

  // ---- construction and validation --------------------------------------------------------------

  @WeftTest
  void create_negativeBufferSize_throwsNamingMaxBufferSizeAndTheAllowedRange(Backend backend) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Runs.exec(backend, () -> MemoryStream.create(-1)));

    assertTrue(e.getMessage().contains("maxBufferSize"), e.getMessage());
    assertTrue(e.getMessage().contains("between 0 and " + Integer.MAX_VALUE), e.getMessage());
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @WeftTest
  void create_zero_isARendezvousWithNoBuffer(Backend backend) {
    StreamStatistics stats = Runs.run(backend,
        () -> MemoryStream.<String>create(0).sendStream().statistics());

    assertEquals(new StreamStatistics(0, 0, 1, 1, 0, 0), stats);
  }

  @WeftTest
  void unbounded_reportsIntegerMaxValueAsMaxBufferSize(Backend backend) {
    StreamStatistics stats = Runs.run(backend,
        () -> MemoryStream.<String>unbounded().receiveStream().statistics());

    assertEquals(Integer.MAX_VALUE, stats.maxBufferSize());
  }

  @WeftTest
  void unbounded_trySendNeverWaits_andItemsComeBackInOrder(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.unbounded();
    List<Boolean> accepted = new ArrayList<>();
    List<Integer> received = new ArrayList<>();

    Runs.exec(backend, () -> {
      try (MemorySendStream<Integer> s = stream.sendStream()) {
        for (int i = 0; i < 1000; i++) {
          accepted.add(s.trySend(i));
        }
      }
      for (int item : stream.receiveStream()) {
        received.add(item);
      }
    });

    assertFalse(accepted.contains(false));
    assertEquals(IntStream.range(0, 1000).boxed().toList(), received);
  }

  @WeftTest
  void send_nullItem_throwsNullPointerExceptionNamingItem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);

    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Runs.exec(backend, () -> stream.sendStream().send(null)));

    assertEquals("MemorySendStream.send: item must not be null (a stream carries no nulls)",
        e.getMessage());
    assertEquals(0, stream.sendStream().statistics().bufferUsed());
  }

  @WeftTest
  void trySend_nullItem_throwsNullPointerExceptionNamingItem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);

    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Runs.exec(backend, () -> stream.sendStream().trySend(null)));

    assertEquals("MemorySendStream.trySend: item must not be null (a stream carries no nulls)",
        e.getMessage());
    assertEquals(0, stream.sendStream().statistics().bufferUsed());
  }

  // ---- basic transfer, ordering and rendezvous --------------------------------------------------

  @WeftTest
  void rendezvous_trySendWithNoReceiverWaiting_returnsFalse(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);

    boolean sent = Runs.run(backend, () -> stream.sendStream().trySend("hello"));

    assertFalse(sent);
    assertEquals(0, stream.sendStream().statistics().bufferUsed());
  }

  @WeftTest
  void rendezvous_tryReceiveWithNoSenderWaiting_returnsEmpty(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);

    Optional<String> item = Runs.run(backend, () -> stream.receiveStream().tryReceive());

    assertEquals(Optional.empty(), item);
  }

  @WeftTest
  void rendezvous_receiverBlockedFirst_getsTwoSendsInOrder(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<String> received = new CopyOnWriteArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> {
        received.add(r.receive());
        received.add(r.receive());
      });
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      s.send("hello");
      s.send("anyio");
    }));

    assertEquals(List.of("hello", "anyio"), received);
  }

  @WeftTest
  void rendezvous_twoReceiversWaiting_eachTrySendHandsOneItemToOneOfThem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<String> received = new CopyOnWriteArrayList<>();
    List<Boolean> sent = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 2; i++) {
        group.startSoon("receiver-" + i, () -> received.add(r.receive()));
      }
      until(() -> r.statistics().tasksWaitingReceive() == 2);
      sent.add(s.trySend("hello"));
      sent.add(s.trySend("anyio"));
    }));

    assertEquals(List.of(true, true), sent);
    assertEquals(Set.of("hello", "anyio"), new HashSet<>(received));
    assertEquals(2, received.size());
  }

  @WeftTest
  void rendezvous_senderBlocked_tryReceiveTakesItsItemAndTheSenderCompletes(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicBoolean sendReturned = new AtomicBoolean();
    AtomicReference<Optional<String>> taken = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sender", () -> {
        s.send("hello");
        sendReturned.set(true);
      });
      until(() -> s.statistics().tasksWaitingSend() == 1);
      taken.set(r.tryReceive());
    }));

    assertEquals(Optional.of("hello"), taken.get());
    assertTrue(sendReturned.get());
  }

  @WeftTest
  void bufferOfTwo_trySendAfterItIsFull_returnsFalse(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(2);
    MemorySendStream<Integer> s = stream.sendStream();

    List<Boolean> results = Runs.run(backend, () -> {
      boolean first = s.trySend(1);
      s.send(2);
      boolean third = s.trySend(3);
      return List.of(first, third);
    });

    assertEquals(List.of(true, false), results);
    assertEquals(2, s.statistics().bufferUsed());
  }

  @WeftTest
  void bufferedItems_leaveInTheOrderTheyWereSent(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(2);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();

    List<Object> received = Runs.run(backend, () -> {
      s.trySend(1);
      s.send(2);
      return List.<Object>of(r.receive(), r.tryReceive(), r.tryReceive());
    });

    assertEquals(List.of(1, Optional.of(2), Optional.empty()), received);
  }

  @WeftTest
  void waitingReceivers_areServedInTheOrderTheyArrived(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<String> first = new AtomicReference<>();
    AtomicReference<String> second = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("first", () -> first.set(r.receive()));
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      group.startSoon("second", () -> second.set(r.receive()));
      until(() -> r.statistics().tasksWaitingReceive() == 2);
      s.trySend("a");
      s.trySend("b");
    }));

    assertEquals("a", first.get());
    assertEquals("b", second.get());
  }

  @WeftTest
  void fiveWaitingConsumers_tenItems_everyConsumerGetsOneAndEachItemArrivesOnce(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    List<List<Integer>> perConsumer = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      perConsumer.add(new CopyOnWriteArrayList<>());
    }

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (List<Integer> mine : perConsumer) {
        group.startSoon(() -> {
          for (int item : r) {
            mine.add(item);
          }
        });
      }
      until(() -> r.statistics().tasksWaitingReceive() == 5);
      try (s) {
        for (int i = 0; i < 10; i++) {
          s.send(i);
        }
      }
    }));

    List<Integer> all = new ArrayList<>();
    perConsumer.forEach(all::addAll);
    Collections.sort(all);
    assertEquals(IntStream.range(0, 10).boxed().toList(), all);
    for (List<Integer> mine : perConsumer) {
      assertFalse(mine.isEmpty(), () -> "a consumer got nothing: " + perConsumer);
    }
  }

  // ---- fairness and handoff ---------------------------------------------------------------------

  @WeftTest
  void nobodyWaiting_aTaskCanTrySendAndThenTryReceiveItsOwnItem(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();

    Optional<Integer> back = Runs.run(backend, () -> {
      s.trySend(1);
      return r.tryReceive();
    });

    assertEquals(Optional.of(1), back);
  }

  @WeftTest
  void receiverWaiting_trySendHandsTheItemToIt_soTheSendersTryReceiveGetsNothing(
      Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    AtomicReference<Integer> waiterGot = new AtomicReference<>();
    AtomicReference<Optional<Integer>> ownTry = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("waiter", () -> waiterGot.set(r.receive()));
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      s.trySend(1);
      ownTry.set(r.tryReceive());
    }));

    assertEquals(Optional.empty(), ownTry.get());
    assertEquals(1, waiterGot.get());
  }

  @WeftTest
  void fullBufferWithBlockedSender_tryReceiveGivesTheFreedSlotToThatSender(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    AtomicBoolean blockedSendReturned = new AtomicBoolean();
    List<Object> seen = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend(1);
      group.startSoon("blocked sender", () -> {
        s.send(2);
        blockedSendReturned.set(true);
      });
      until(() -> s.statistics().tasksWaitingSend() == 1);
      seen.add(r.tryReceive());
      seen.add(s.trySend(3));
      seen.add(r.receive());
    }));

    assertEquals(List.of(Optional.of(1), false, 2), seen);
    assertTrue(blockedSendReturned.get());
  }

  @WeftTest
  void tryReceiveFromFullBuffer_movesTheBlockedSendersItemInWithinTheSameCall(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<Object> seen = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend("hello");
      group.startSoon("blocked sender", () -> s.send("anyio"));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      seen.add(r.tryReceive());
      seen.add(r.statistics());
      seen.add(r.tryReceive());
    }));

    assertEquals(List.of(
        Optional.of("hello"),
        new StreamStatistics(1, 1, 1, 1, 0, 0),
        Optional.of("anyio")), seen);
  }

  @WeftTest
  void receiversWaiting_bufferStaysEmpty_evenAfterATrySendToThem(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(4);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    List<StreamStatistics> snapshots = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 2; i++) {
        group.startSoon(r::receive);
      }
      until(() -> r.statistics().tasksWaitingReceive() == 2);
      snapshots.add(s.statistics());
      s.trySend(1);
      snapshots.add(s.statistics());
      s.trySend(2);
    }));

    assertEquals(new StreamStatistics(0, 4, 1, 1, 0, 2), snapshots.get(0));
    assertEquals(new StreamStatistics(0, 4, 1, 1, 0, 1), snapshots.get(1));
  }

  @WeftTest
  void sendersWaiting_bufferStaysFull_evenAfterATryReceive(Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(2);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    List<StreamStatistics> snapshots = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend(1);
      s.trySend(2);
      group.startSoon(() -> s.send(3));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      group.startSoon(() -> s.send(4));
      until(() -> s.statistics().tasksWaitingSend() == 2);
      snapshots.add(r.statistics());
      r.tryReceive();
      snapshots.add(r.statistics());
      r.tryReceive();
      r.tryReceive();
      r.tryReceive();
    }));

    assertEquals(new StreamStatistics(2, 2, 1, 1, 2, 0), snapshots.get(0));
    assertEquals(new StreamStatistics(2, 2, 1, 1, 1, 0), snapshots.get(1));
  }

  // ---- error precedence -------------------------------------------------------------------------

  @WeftTest
  void trySend_onClosedHandle_throwsClosedResource_evenWhenTheReceiveSideIsClosedToo(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.receiveStream().close();
      s.close();
      return failureOf(() -> s.trySend("hello"));
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
  }

  @WeftTest
  void trySend_withEveryReceiveHandleClosed_throwsBroken_evenWithRoomInTheBuffer(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.receiveStream().close();
      return failureOf(() -> s.trySend("hello"));
    });

    assertInstanceOf(BrokenResourceException.class, thrown);
    assertEquals(0, s.statistics().bufferUsed());
  }

  @WeftTest
  void send_withEveryReceiveHandleClosed_throwsBroken(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.receiveStream().close();
      return failureOf(() -> s.send("hello"));
    });

    assertInstanceOf(BrokenResourceException.class, thrown);
  }

  @WeftTest
  void send_onClosedHandle_throwsClosedResource(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();

    Throwable thrown = Runs.run(backend, () -> {
      s.close();
      return failureOf(() -> s.send("hello"));
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
    assertEquals(0, s.statistics().bufferUsed());
  }

  @WeftTest
  void tryReceive_onClosedHandle_throwsClosedResource_evenWithItemsBuffered(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();
    MemoryReceiveStream<String> other = r.clone();

    Throwable thrown = Runs.run(backend, () -> {
      stream.sendStream().trySend("hello");
      r.close();
      return failureOf(r::tryReceive);
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
    assertEquals(1, other.statistics().bufferUsed());
  }

  @WeftTest
  void tryReceive_onClosedHandle_throwsClosedResource_evenWhenTheSendSideIsClosed(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.sendStream().close();
      r.close();
      return failureOf(r::tryReceive);
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
  }

  @WeftTest
  void receive_onClosedHandle_throwsClosedResource(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      r.close();
      return failureOf(r::receive);
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
  }

  @WeftTest
  void receiveAfterLastSendClose_returnsBufferedItemBeforeEndOfStream(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<String> first = new AtomicReference<>();

    Throwable thrown = Runs.run(backend, () -> {
      s.send("hello");
      s.close();
      first.set(r.receive());
      return failureOf(r::receive);
    });

    assertEquals("hello", first.get());
    assertInstanceOf(EndOfStreamException.class, thrown);
  }

  @WeftTest
  void tryReceive_withEverySendHandleClosedAndEmptyBuffer_throwsEndOfStream(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.sendStream().close();
      return failureOf(r::tryReceive);
    });

    assertInstanceOf(EndOfStreamException.class, thrown);
  }

  @WeftTest
  void errorsPersist_afterTheSendSideCloses_everyLaterOperationThrowsTheSameAgain(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<Class<?>> thrown = new ArrayList<>();

    Runs.exec(backend, () -> {
      s.close();
      for (int i = 0; i < 3; i++) {
        thrown.add(failureOf(() -> s.send("x")).getClass());
        thrown.add(failureOf(() -> s.trySend("x")).getClass());
        thrown.add(failureOf(r::receive).getClass());
        thrown.add(failureOf(r::tryReceive).getClass());
      }
    });

    List<Class<?>> once = List.of(ClosedResourceException.class, ClosedResourceException.class,
        EndOfStreamException.class, EndOfStreamException.class);
    List<Class<?>> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.addAll(once);
    }
    assertEquals(expected, thrown);
  }

  @WeftTest
  void errorsPersist_afterTheReceiveSideCloses_everyLaterOperationThrowsTheSameAgain(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<Class<?>> thrown = new ArrayList<>();

    Runs.exec(backend, () -> {
      r.close();
      for (int i = 0; i < 3; i++) {
        thrown.add(failureOf(() -> s.send("x")).getClass());
        thrown.add(failureOf(() -> s.trySend("x")).getClass());
        thrown.add(failureOf(r::receive).getClass());
        thrown.add(failureOf(r::tryReceive).getClass());
      }
    });

    List<Class<?>> once = List.of(BrokenResourceException.class, BrokenResourceException.class,
        ClosedResourceException.class, ClosedResourceException.class);
    List<Class<?>> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.addAll(once);
    }
    assertEquals(expected, thrown);
  }

  @WeftTest
  void tryWithResourcesOnBothEnds_closesBoth_soBothTryOperationsThrowClosedResource(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();

    List<Throwable> thrown = Runs.run(backend, () -> {
      try (s; r) {
        s.trySend("inside");
      }
      return Arrays.asList(failureOf(() -> s.trySend("after")), failureOf(r::tryReceive));
    });

    assertInstanceOf(ClosedResourceException.class, thrown.get(0));
    assertInstanceOf(ClosedResourceException.class, thrown.get(1));
  }

  @WeftTest
  void close_calledTwiceOnEachEnd_secondCallDoesNothing(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    MemorySendStream<String> sendClone = s.clone();
    MemoryReceiveStream<String> receiveClone = r.clone();

    StreamStatistics stats = Runs.run(backend, () -> {
      s.close();
      s.close();
      r.close();
      r.close();
      return sendClone.statistics();
    });

    assertEquals(new StreamStatistics(0, 1, 1, 1, 0, 0), stats);
    assertEquals(stats, receiveClone.statistics());
  }

  @WeftTest
  void send_inAlreadyCancelledScope_deliversNothing_evenToAWaitingReceiver(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    CancelScope scope = CancelScope.create();
    AtomicReference<String> received = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", () -> received.set(r.receive()));
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      scope.run(() -> {
        scope.cancel();
        s.send("hello");
      });
      s.send("world");
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals("world", received.get());
  }

  @WeftTest
  void receive_inAlreadyCancelledScope_takesNothing_andBlockedSendersStayQueued(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    CancelScope scope = CancelScope.create();
    List<String> received = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("hello sender", () -> s.send("hello"));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      group.startSoon("world sender", () -> s.send("world"));
      until(() -> s.statistics().tasksWaitingSend() == 2);
      scope.run(() -> {
        scope.cancel();
        received.add(r.receive());
      });
      received.add(r.receive());
      received.add(r.receive());
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals(List.of("hello", "world"), received);
  }

  // ---- clone ------------------------------------------------------------------------------------

  @WeftTest
  void clonesOfBothEnds_keepWorkingAfterTheOriginalsAreClosed(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);

    Optional<String> received = Runs.run(backend, () -> {
      MemorySendStream<String> s2 = stream.sendStream().clone();
      MemoryReceiveStream<String> r2 = stream.receiveStream().clone();
      stream.sendStream().close();
      stream.receiveStream().close();
      s2.trySend("hello");
      return r2.tryReceive();
    });

    assertEquals(Optional.of("hello"), received);
  }

  @WeftTest
  void clone_ofClosedSendHandle_throwsClosedResource(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();

    Throwable thrown = Runs.run(backend, () -> {
      s.close();
      return failureOf(s::clone);
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
    assertEquals(0, s.statistics().openSendStreams());
  }

  @WeftTest
  void clone_ofClosedReceiveHandle_throwsClosedResource(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      r.close();
      return failureOf(r::clone);
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
    assertEquals(0, r.statistics().openReceiveStreams());
  }

  @WeftTest
  void receiveSide_staysOpenUntilEveryCloneIsClosed(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(2);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicBoolean sentWhileOneCloneOpen = new AtomicBoolean();

    Throwable afterLastClose = Runs.run(backend, () -> {
      MemoryReceiveStream<String> r2 = r.clone();
      MemoryReceiveStream<String> r3 = r2.clone();
      r.close();
      r2.close();
      sentWhileOneCloneOpen.set(s.trySend("still open"));
      r3.close();
      return failureOf(() -> s.trySend("too late"));
    });

    assertTrue(sentWhileOneCloneOpen.get());
    assertInstanceOf(BrokenResourceException.class, afterLastClose);
  }

  @WeftTest
  void sendSide_staysOpenUntilEveryCloneIsClosed(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<Optional<String>> whileOneCloneOpen = new AtomicReference<>();

    Throwable afterLastClose = Runs.run(backend, () -> {
      MemorySendStream<String> s2 = s.clone();
      s.close();
      whileOneCloneOpen.set(r.tryReceive());
      s2.close();
      return failureOf(r::tryReceive);
    });

    assertEquals(Optional.empty(), whileOneCloneOpen.get());
    assertInstanceOf(EndOfStreamException.class, afterLastClose);
  }

  // ---- iteration --------------------------------------------------------------------------------

  @WeftTest
  void iteration_yieldsItemsInOrder_andEndsWhenTheSendSideClosesAndTheBufferDrains(
      Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    List<Integer> received = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("producer", () -> {
        try (s) {
          for (int i = 0; i < 20; i++) {
            s.send(i);
          }
        }
      });
      for (int item : r) {
        received.add(item);
      }
    }));

    assertEquals(IntStream.range(0, 20).boxed().toList(), received);
  }

  @WeftTest
  void iteration_afterLastSendClose_stillYieldsEveryBufferedItem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(3);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<String> received = new ArrayList<>();

    Runs.exec(backend, () -> {
      s.trySend("a");
      s.trySend("b");
      s.trySend("c");
      s.close();
      for (String item : r) {
        received.add(item);
      }
    });

    assertEquals(List.of("a", "b", "c"), received);
  }

  @WeftTest
  void iteration_withSeveralProducerClones_endsOnlyAfterEveryCloneIsClosed(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<String> received = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      try (MemorySendStream<String> original = stream.sendStream()) {
        for (String name : List.of("p0", "p1", "p2")) {
          MemorySendStream<String> mine = original.clone();
          group.startSoon(name, () -> {
            try (mine) {
              for (int i = 0; i < 10; i++) {
                mine.send(name + ":" + i);
              }
            }
          });
        }
      }
      for (String item : r) {
        received.add(item);
      }
    }));

    assertEquals(30, received.size());
    for (String name : List.of("p0", "p1", "p2")) {
      List<String> fromProducer =
          received.stream().filter(item -> item.startsWith(name + ":")).toList();
      assertEquals(IntStream.range(0, 10).mapToObj(i -> name + ":" + i).toList(), fromProducer);
    }
  }

  @WeftTest
  void iteration_overClosedReceiveHandle_throwsClosedResourceInsteadOfEnding(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.sendStream().close();
      r.close();
      Iterator<String> it = r.iterator();
      return failureOf(it::hasNext);
    });

    assertInstanceOf(ClosedResourceException.class, thrown);
  }

  @WeftTest
  void iteratorNext_afterTheEnd_throwsNoSuchElement(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.sendStream().close();
      Iterator<String> it = r.iterator();
      return failureOf(it::next);
    });

    assertInstanceOf(NoSuchElementException.class, thrown);
  }

  // ---- statistics -------------------------------------------------------------------------------

  @WeftTest
  void statistics_ofAFreshStream_areTheSameFromBothEnds(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);

    List<StreamStatistics> both = Runs.run(backend, () -> List.of(
        stream.sendStream().statistics(), stream.receiveStream().statistics()));

    assertEquals(new StreamStatistics(0, 1, 1, 1, 0, 0), both.get(0));
    assertEquals(both.get(0), both.get(1));
  }

  @WeftTest
  void statistics_blockedSenderOnFullBuffer_countsAsWaitingSend(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    List<StreamStatistics> snapshots = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend("buffered");
      snapshots.add(r.statistics());
      group.startSoon("blocked sender", () -> s.send("waiting"));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      snapshots.add(s.statistics());
      snapshots.add(r.statistics());
      r.tryReceive();
      r.tryReceive();
    }));

    assertEquals(new StreamStatistics(1, 1, 1, 1, 0, 0), snapshots.get(0));
    assertEquals(new StreamStatistics(1, 1, 1, 1, 1, 0), snapshots.get(1));
    assertEquals(snapshots.get(1), snapshots.get(2));
  }

  @WeftTest
  void statistics_trySendToWaitingReceiver_dropsWaitingReceiveAtOnce(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    AtomicReference<StreamStatistics> rightAfter = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("receiver", r::receive);
      until(() -> r.statistics().tasksWaitingReceive() == 1);
      s.trySend("hello");
      rightAfter.set(s.statistics());
    }));

    assertEquals(new StreamStatistics(0, 1, 1, 1, 0, 0), rightAfter.get());
  }

  @WeftTest
  void statistics_threeBlockedSenders_eachTryReceiveReleasesOneWhileTheBufferStaysFull(
      Backend backend) {
    MemoryStream<Integer> stream = MemoryStream.create(1);
    MemorySendStream<Integer> s = stream.sendStream();
    MemoryReceiveStream<Integer> r = stream.receiveStream();
    List<List<Integer>> usedAndWaiting = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend(0);
      for (int i = 1; i <= 3; i++) {
        int item = i;
        group.startSoon(() -> s.send(item));
        until(() -> s.statistics().tasksWaitingSend() == item);
      }
      for (int i = 0; i < 4; i++) {
        r.tryReceive();
        StreamStatistics stats = r.statistics();
        usedAndWaiting.add(List.of(stats.bufferUsed(), stats.tasksWaitingSend()));
      }
    }));

    assertEquals(List.of(List.of(1, 2), List.of(1, 1), List.of(1, 0), List.of(0, 0)),
        usedAndWaiting);
  }

  @WeftTest
  void statistics_cloneAndClose_moveTheOpenHandleCounts(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(1);
    List<List<Integer>> openCounts = new ArrayList<>();

    Runs.exec(backend, () -> {
      MemorySendStream<String> s2 = stream.sendStream().clone();
      MemoryReceiveStream<String> r2 = stream.receiveStream().clone();
      StreamStatistics cloned = s2.statistics();
      openCounts.add(List.of(cloned.openSendStreams(), cloned.openReceiveStreams()));
      s2.close();
      r2.close();
      StreamStatistics closed = stream.sendStream().statistics();
      openCounts.add(List.of(closed.openSendStreams(), closed.openReceiveStreams()));
    });

    assertEquals(List.of(List.of(2, 2), List.of(1, 1)), openCounts);
  }

  @WeftTest
  void statistics_cancelledBlockedReceiver_isNoLongerCounted_andGetsNoItem(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    CancelScope scope = CancelScope.create();
    AtomicReference<Boolean> sentAfterCancel = new AtomicReference<>();

    Runs.exec(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon("receiver", () -> scope.run(r::receive));
        until(() -> r.statistics().tasksWaitingReceive() == 1);
        scope.cancel();
      });
      sentAfterCancel.set(s.trySend("hello"));
    });

    assertTrue(scope.cancelledCaught());
    assertFalse(sentAfterCancel.get());
    assertEquals(new StreamStatistics(0, 0, 1, 1, 0, 0), r.statistics());
  }

  @WeftTest
  void statistics_cancelledBlockedSender_isNoLongerCounted_andItsItemIsWithdrawn(
      Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(0);
    MemorySendStream<String> s = stream.sendStream();
    MemoryReceiveStream<String> r = stream.receiveStream();
    CancelScope scope = CancelScope.create();
    AtomicReference<Optional<String>> afterCancel = new AtomicReference<>();

    Runs.exec(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon("sender", () -> scope.run(() -> s.send("hello")));
        until(() -> s.statistics().tasksWaitingSend() == 1);
        scope.cancel();
      });
      afterCancel.set(r.tryReceive());
    });

    assertTrue(scope.cancelledCaught());
    assertEquals(Optional.empty(), afterCancel.get());
    assertEquals(new StreamStatistics(0, 0, 1, 1, 0, 0), s.statistics());
  }

  // ---- onUndelivered ----------------------------------------------------------------------------

  @WeftTest
  void lastReceiveClose_passesEveryBufferedItemToOnUndeliveredInOrder_andEmptiesTheBuffer(
      Backend backend) {
    List<String> undelivered = new ArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(3, undelivered::add);
    MemorySendStream<String> s = stream.sendStream();

    Runs.exec(backend, () -> {
      s.trySend("a");
      s.trySend("b");
      s.trySend("c");
      stream.receiveStream().close();
    });

    assertEquals(List.of("a", "b", "c"), undelivered);
    assertEquals(new StreamStatistics(0, 3, 1, 0, 0, 0), s.statistics());
  }

  @WeftTest
  void lastReceiveClose_withoutCallback_dropsTheBufferedItems(Backend backend) {
    MemoryStream<String> stream = MemoryStream.create(2);
    MemorySendStream<String> s = stream.sendStream();

    Runs.exec(backend, () -> {
      s.trySend("a");
      s.trySend("b");
      stream.receiveStream().close();
    });

    assertEquals(new StreamStatistics(0, 2, 1, 0, 0, 0), s.statistics());
  }

  @WeftTest
  void onUndelivered_runsAfterTheStateWasUpdated(Backend backend) {
    AtomicReference<MemoryStream<String>> self = new AtomicReference<>();
    List<StreamStatistics> seenByCallback = new ArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(1,
        item -> seenByCallback.add(self.get().sendStream().statistics()));
    self.set(stream);

    Runs.exec(backend, () -> {
      stream.sendStream().trySend("a");
      stream.receiveStream().close();
    });

    assertEquals(List.of(new StreamStatistics(0, 1, 1, 0, 0, 0)), seenByCallback);
  }

  @WeftTest
  void closingANonLastReceiveHandle_keepsTheBuffer_andCallsNoCallback(Backend backend) {
    List<String> undelivered = new ArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(2, undelivered::add);
    MemoryReceiveStream<String> r = stream.receiveStream();

    Optional<String> fromClone = Runs.run(backend, () -> {
      MemoryReceiveStream<String> r2 = r.clone();
      stream.sendStream().trySend("a");
      stream.sendStream().trySend("b");
      r.close();
      return r2.tryReceive();
    });

    assertEquals(List.of(), undelivered);
    assertEquals(Optional.of("a"), fromClone);
    assertEquals(1, r.statistics().bufferUsed());
  }

  @WeftTest
  void lastSendClose_keepsTheBufferForReceivers_andCallsNoCallback(Backend backend) {
    List<String> undelivered = new ArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(2, undelivered::add);
    MemoryReceiveStream<String> r = stream.receiveStream();

    StreamStatistics stats = Runs.run(backend, () -> {
      stream.sendStream().trySend("a");
      stream.sendStream().close();
      return r.statistics();
    });

    assertEquals(List.of(), undelivered);
    assertEquals(new StreamStatistics(1, 2, 0, 1, 0, 0), stats);
  }

  @WeftTest
  void lastReceiveClose_blockedSendersItemIsNotPassedToOnUndelivered(Backend backend) {
    List<String> undelivered = new CopyOnWriteArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(1, undelivered::add);
    MemorySendStream<String> s = stream.sendStream();
    AtomicReference<Throwable> senderGot = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      s.trySend("buffered");
      group.startSoon("blocked sender", () -> senderGot.set(failureOf(() -> s.send("held"))));
      until(() -> s.statistics().tasksWaitingSend() == 1);
      stream.receiveStream().close();
    }));

    assertEquals(List.of("buffered"), undelivered);
    assertInstanceOf(BrokenResourceException.class, senderGot.get());
  }

  @WeftTest
  void unbounded_lastReceiveClose_passesBufferedItemsToOnUndelivered(Backend backend) {
    List<Integer> undelivered = new ArrayList<>();
    MemoryStream<Integer> stream = MemoryStream.unbounded(undelivered::add);

    Runs.exec(backend, () -> {
      for (int i = 0; i < 100; i++) {
        stream.sendStream().trySend(i);
      }
      stream.receiveStream().close();
    });

    assertEquals(IntStream.range(0, 100).boxed().toList(), undelivered);
  }

  @WeftTest
  void onUndeliveredThrows_closeThrowsIllegalStateAfterCallingItForEveryItem(Backend backend) {
    List<String> called = new ArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(3, item -> {
      called.add(item);
      throw new IllegalArgumentException("cannot release " + item);
    });
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable thrown = Runs.run(backend, () -> {
      stream.sendStream().trySend("a");
      stream.sendStream().trySend("b");
      stream.sendStream().trySend("c");
      return failureOf(r::close);
    });

    assertEquals(IllegalStateException.class, thrown.getClass());
    assertEquals(List.of("a", "b", "c"), called);
    assertEquals("cannot release a", thrown.getCause().getMessage());
    assertEquals(List.of("cannot release b", "cannot release c"),
        Arrays.stream(thrown.getSuppressed()).map(Throwable::getMessage).toList());
  }

  @WeftTest
  void onUndeliveredThrows_theHandleIsClosedAnyway_andASecondCloseDoesNothing(Backend backend) {
    List<String> called = new ArrayList<>();
    MemoryStream<String> stream = MemoryStream.create(1, item -> {
      called.add(item);
      throw new IllegalArgumentException("cannot release " + item);
    });
    MemoryReceiveStream<String> r = stream.receiveStream();

    Throwable secondClose = Runs.run(backend, () -> {
      stream.sendStream().trySend("a");
      failureOf(r::close);
      return failureOf(r::close);
    });

    assertNull(secondClose);
    assertEquals(List.of("a"), called);
    assertEquals(new StreamStatistics(0, 1, 1, 0, 0, 0), r.statistics());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Runs {@code operation} and returns what it threw, or {@code null} if it returned. */
}

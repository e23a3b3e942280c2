package dev.weft.stream;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskGroupException;
import dev.weft.testing.Outcomes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** A receive stream as a java.util.stream.Stream (S14) and as a Flow.Publisher (S15). */
class ReceiveStreamAdaptersTest {

  /** An unbounded stream holding {@code n} items 0..n-1, its send side still open. */
  private record Filled(MemorySendStream<Integer> tx, MemoryReceiveStream<Integer> rx) {
    static Filled of(int n) {
      MemoryStream<Integer> s = MemoryStream.unbounded();
      MemorySendStream<Integer> tx = s.sendStream();
      for (int i = 0; i < n; i++) {
        assertTrue(tx.trySend(i));
      }
      return new Filled(tx, s.receiveStream());
    }
  }

  // ---- java.util.stream.Stream (S14) -----------------------------------------------------------

  @WeftTest
  void stream_yieldsItemsInOrder_andEndsWithTheStream(Backend backend) {
    Filled f = Filled.of(5);
    f.tx.close();

    List<Integer> got = Runs.run(backend, () -> {
      try (Stream<Integer> items = f.rx.stream()) {
        return items.map(i -> i * 10).toList();
      }
    });

    assertEquals(List.of(0, 10, 20, 30, 40), got);
  }

  @WeftTest
  void stream_shortCircuit_takesNoItemBeyondThoseItUsed(Backend backend) {
    Filled f = Filled.of(5);

    List<Integer> got = Runs.run(backend, () -> f.rx.stream().limit(2).toList());

    assertEquals(List.of(0, 1), got);
    assertEquals(Optional.of(2), f.rx.tryReceive());
  }

  @WeftTest
  void closingTheStream_closesTheHandle(Backend backend) {
    Filled f = Filled.of(2);

    Runs.exec(backend, () -> {
      try (Stream<Integer> items = f.rx.stream()) {
        assertEquals(Optional.of(0), items.findFirst());
      }
    });

    assertThrows(BrokenResourceException.class, () -> f.tx.trySend(9));
  }

  // ---- Flow.Publisher (S15) ------------------------------------------------------------------

  /** Records every signal; requests what the test asks for. */
  private static class Recorder implements Flow.Subscriber<Integer> {
    final List<String> signals = new CopyOnWriteArrayList<>();
    final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    final long requestOnSubscribe;
    final boolean requestOneInOnNext;

    Recorder(long requestOnSubscribe, boolean requestOneInOnNext) {
      this.requestOnSubscribe = requestOnSubscribe;
      this.requestOneInOnNext = requestOneInOnNext;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      signals.add("subscribe");
      subscription.set(s);
      if (requestOnSubscribe != 0) {
        s.request(requestOnSubscribe);
      }
    }

    @Override
    public void onNext(Integer item) {
      signals.add("next " + item);
      if (requestOneInOnNext) {
        subscription.get().request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      signals.add("error " + t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }

    boolean ended() {
      return signals.stream().anyMatch(s -> s.equals("complete") || s.startsWith("error"));
    }
  }

  @WeftTest
  void publisher_deliversOnlyWhatWasRequested_inOrder_thenCompletes(Backend backend) {
    Filled f = Filled.of(5);
    Recorder r = new Recorder(2, false);
    List<Integer> leftAfterTwo = new CopyOnWriteArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      f.rx.publisher(g).subscribe(r);
      until(() -> r.signals.size() == 3);
      leftAfterTwo.add(f.tx.statistics().bufferUsed()); // no item beyond the demand was taken
      f.tx.close();
      r.subscription.get().request(Long.MAX_VALUE);
      r.subscription.get().request(Long.MAX_VALUE); // saturates (3.17)
    }));

    assertEquals(List.of(3), leftAfterTwo);
    assertEquals(List.of("subscribe", "next 0", "next 1", "next 2", "next 3", "next 4", "complete"),
        r.signals);
  }

  @WeftTest
  void publisher_requestInsideOnNext_isHonoured(Backend backend) {
    Filled f = Filled.of(1_000);
    f.tx.close();
    Recorder r = new Recorder(1, true);

    Runs.exec(backend, () -> TaskGroup.run(g -> f.rx.publisher(g).subscribe(r)));

    assertEquals(1_002, r.signals.size());
    assertEquals("next 999", r.signals.get(1_000));
    assertEquals("complete", r.signals.get(1_001));
  }

  @WeftTest
  void publisher_requestOfZero_endsWithIllegalArgument_andClosesTheHandle(Backend backend) {
    Filled f = Filled.of(3);
    Recorder r = new Recorder(0, false);

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      f.rx.publisher(g).subscribe(r);
      until(() -> r.subscription.get() != null);
      r.subscription.get().request(0);
    }));

    assertEquals(2, r.signals.size(), r.signals.toString());
    assertTrue(r.signals.get(1).startsWith("error IllegalArgumentException: request(n) needs n > 0"),
        r.signals.toString());
    assertThrows(BrokenResourceException.class, () -> f.tx.trySend(9));
  }

  @WeftTest
  void publisher_cancel_stopsTheTask_takesNothingMore_andClosesTheHandle(Backend backend) {
    List<Integer> undelivered = new CopyOnWriteArrayList<>();
    MemoryStream<Integer> s = MemoryStream.unbounded(undelivered::add);
    MemorySendStream<Integer> tx = s.sendStream();
    for (int i = 0; i < 4; i++) {
      assertTrue(tx.trySend(i));
    }
    MemoryReceiveStream<Integer> rx = s.receiveStream();
    Recorder r = new Recorder(1, false);

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      rx.publisher(g).subscribe(r);
      until(() -> r.signals.size() == 2);
      r.subscription.get().cancel();
      r.subscription.get().cancel(); // idempotent (3.5)
    }));
    r.subscription.get().request(5); // after the end: a no-op (3.6)

    assertEquals(List.of("subscribe", "next 0"), r.signals);
    assertEquals(List.of(1, 2, 3), undelivered, "the items not taken went to onUndelivered");
    assertThrows(BrokenResourceException.class, () -> tx.trySend(9));
  }

  @WeftTest
  void publisher_secondSubscriber_getsOnError_andTheFirstIsServed(Backend backend) {
    Filled f = Filled.of(1);
    f.tx.close();
    Recorder first = new Recorder(Long.MAX_VALUE, false);
    Recorder second = new Recorder(Long.MAX_VALUE, false);

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      Flow.Publisher<Integer> p = f.rx.publisher(g);
      p.subscribe(first);
      p.subscribe(second);
    }));

    assertEquals(List.of("subscribe", "next 0", "complete"), first.signals);
    assertEquals(2, second.signals.size());
    assertTrue(second.signals.get(1).contains("unicast"), second.signals.toString());
  }

  @WeftTest
  void publisher_subscribeAfterTheGroupEnded_getsOnErrorSayingWhy(Backend backend) {
    Filled f = Filled.of(1);
    Recorder r = new Recorder(1, false);

    Runs.exec(backend, () -> {
      AtomicReference<Flow.Publisher<Integer>> late = new AtomicReference<>();
      TaskGroup.run(g -> late.set(f.rx.publisher(g)));
      late.get().subscribe(r);
    });

    assertEquals(2, r.signals.size());
    assertTrue(r.signals.get(1).startsWith("error IllegalStateException: cannot publish"),
        r.signals.get(1));
    assertTrue(r.signals.get(1).contains("finished"), r.signals.get(1));
  }

  @WeftTest
  void publisher_ofAClosedHandle_signalsOnError(Backend backend) {
    Filled f = Filled.of(1);
    f.rx.close();
    Recorder r = new Recorder(1, false);

    Runs.exec(backend, () -> TaskGroup.run(g -> f.rx.publisher(g).subscribe(r)));

    assertEquals(2, r.signals.size());
    assertTrue(r.signals.get(1).startsWith("error ClosedResourceException"), r.signals.get(1));
  }

  @WeftTest
  void publisher_subscriberThatThrows_failsTheGroupWithIt_andClosesTheHandle(Backend backend) {
    Filled f = Filled.of(2);
    IllegalStateException boom = new IllegalStateException("subscriber bug");
    Flow.Subscriber<Integer> hostile = new Recorder(1, false) {
      @Override
      public void onNext(Integer item) {
        throw boom;
      }
    };

    Throwable thrown = Outcomes.thrownBy(() -> Runs.exec(backend,
        () -> TaskGroup.run(g -> f.rx.publisher(g).subscribe(hostile))));

    assertEquals(List.of(boom), assertInstanceOf(TaskGroupException.class, thrown).failures());
    assertThrows(BrokenResourceException.class, () -> f.tx.trySend(9));
  }

  @WeftTest
  void publisher_nullSubscriber_throwsNullPointer(Backend backend) {
    Filled f = Filled.of(0);

    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(g ->
        thrown.set(Outcomes.thrownBy(() -> f.rx.publisher(g).subscribe(null)))));

    assertSame(NullPointerException.class, thrown.get().getClass());
    assertEquals("subscriber", thrown.get().getMessage());
  }
}

package dev.weft.stream;

import dev.weft.cancel.CancelScope;
import dev.weft.task.TaskGroup;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A receive stream as a {@link Flow.Publisher} (semantics S15).
 *
 * <h2>Implementation notes</h2>
 * One task, started by {@code subscribe}, sends every signal, so signals are serial (rule 1.3)
 * with no lock. Demand crosses threads through an unbounded Weft stream of requests: {@code
 * request(n)} is a {@code trySend} (never blocks, any thread, also inside {@code onNext}), and the
 * task adds the amounts up, saturating at {@code Long.MAX_VALUE}, and receives an item only while
 * its demand is positive (rule 1.1). {@code cancel()} cancels the task's scope: a receive in
 * progress then takes nothing, and an item already handed over is still delivered (it would
 * otherwise be lost). {@code subscribed} admits one subscriber; a {@code CAS} decides the race
 * between two.
 */
final class StreamPublisher<T> implements Flow.Publisher<T> {

  private final MemoryReceiveStream<T> items;
  private final TaskGroup group;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  StreamPublisher(MemoryReceiveStream<T> items, TaskGroup group) {
    this.items = items;
    this.group = group;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      refuse(subscriber, new IllegalStateException(
          "this publisher of " + items + " has a subscriber already; it is unicast"));
      return;
    }
    Subscription<T> subscription = new Subscription<>(items, subscriber);
    try {
      group.startSoon("publisher of " + items, subscription::publish);
    } catch (IllegalStateException e) {
      // The group has ended, or the caller is not a task of its run: nothing publishes.
      items.close();
      refuse(subscriber, new IllegalStateException(
          "cannot publish " + items + ": " + e.getMessage()
              + " (subscribe from a task of the group's run, while the group is open)", e));
    }
  }

  private static void refuse(Flow.Subscriber<?> subscriber, Throwable why) {
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    subscriber.onError(why);
  }

  /** The subscription, and the task that serves it. */
  private static final class Subscription<T> implements Flow.Subscription {

    private final MemoryReceiveStream<T> items;
    private final Flow.Subscriber<? super T> subscriber;
    private final CancelScope scope = CancelScope.create();
    private final MemoryStream<Long> requestStream = MemoryStream.unbounded();
    private final MemorySendStream<Long> requests = requestStream.sendStream();
    private final MemoryReceiveStream<Long> demands = requestStream.receiveStream();

    Subscription(MemoryReceiveStream<T> items, Flow.Subscriber<? super T> subscriber) {
      this.items = items;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      try {
        requests.trySend(n); // an unbounded stream: never waits
      } catch (ClosedResourceException | BrokenResourceException e) {
        // the subscription has ended: a no-op (rule 3.6)
      }
    }

    @Override
    public void cancel() {
      scope.cancel("the subscriber cancelled its subscription");
    }

    void publish() {
      try (items; requests; demands) {
        scope.run(() -> {
          subscriber.onSubscribe(this);
          long demand = 0;
          while (true) {
            if (demand == 0) {
              demand = add(demand, demands.receive());
            }
            for (Long more; demand > 0 && (more = demands.tryReceive().orElse(null)) != null; ) {
              demand = add(demand, more);
            }
            if (demand < 0) {
              subscriber.onError(new IllegalArgumentException(
                  "request(n) needs n > 0 (Reactive Streams rule 3.9)"));
              return;
            }
            T item;
            try {
              item = items.receive();
            } catch (EndOfStreamException e) {
              subscriber.onComplete();
              return;
            } catch (ClosedResourceException e) {
              subscriber.onError(e);
              return;
            }
            subscriber.onNext(item);
            if (demand != Long.MAX_VALUE) {
              demand--;
            }
          }
        });
      }
    }

    /** Adds a request to the demand: saturating (rule 3.17); negative once a request was <= 0. */
    private static long add(long demand, long n) {
      if (n <= 0 || demand < 0) {
        return -1;
      }
      long sum = demand + n;
      return sum < 0 ? Long.MAX_VALUE : sum;
    }
  }
}

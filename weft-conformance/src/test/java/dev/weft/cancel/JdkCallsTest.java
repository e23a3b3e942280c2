package dev.weft.cancel;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ThrowingRunnable;
import dev.weft.Weft;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which JDK calls a cancellation wakes, per kind of thread (B6). Weft wakes a cancelled task blocked
 * outside Weft by interrupting it; calls that honour interrupts end, and the exception they end
 * with, an {@code InterruptedException} or its I/O forms, is the cancellation that the scope
 * catches. Calls that ignore interrupts go on until they complete by themselves; the cancellation
 * then comes at the task's next checkpoint. Each test cancels only once the task is inside the call
 * (its stack says so), and for the calls that are not woken, completes them only after Weft's
 * interrupt was sent: so a call that returns normally was not woken by it.
 */
class JdkCallsTest {

  // ---- woken on both kinds of thread ----------------------------------------------------------

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // blocks outside Weft
  void objectWait_isWoken_andTheScopeCatches(Backend backend) {
    Object monitor = new Object();
    assertTrue(cancelledWhileIn(backend, "java.lang.Object", "wait", () -> {
      synchronized (monitor) {
        monitor.wait();
      }
    }));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void futureGet_isWoken_andTheScopeCatches(Backend backend) {
    CompletableFuture<String> never = new CompletableFuture<>();
    assertTrue(cancelledWhileIn(backend, "java.util.concurrent.CompletableFuture", "get",
        never::get));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  @SuppressWarnings("try") // the accepted peer only has to exist, so that the read blocks
  void socketChannelRead_isWoken_andTheScopeCatches_butTheChannelIsClosed(Backend backend)
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SocketChannel channel = SocketChannel.open(server.getLocalSocketAddress());
        Socket peer = server.accept()) {
      assertTrue(cancelledWhileIn(backend, "sun.nio.ch.SocketChannelImpl", "read",
          () -> channel.read(ByteBuffer.allocate(16))));
      assertTrue(!channel.isOpen(), "an interrupt closes an InterruptibleChannel (B5)");
    }
  }

  // ---- depends on the kind of thread ----------------------------------------------------------

  /**
   * A {@code java.net.Socket} read: a virtual thread is woken (the JDK closes the socket, and the
   * "Closed by interrupt" {@code SocketException} is the cancellation); a platform thread is not,
   * and its read returns the bytes that arrive later.
   */
  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void socketRead_wokenOnAVirtualThreadOnly_elseReturnsTheBytesThatArriveLater(Backend backend)
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
          server.getLocalPort()));
      try (Socket peer = server.accept()) {
        InputStream in = socket.getInputStream();
        byte[] read = new byte[1];
        Outcome outcome = runCancelledWhileIn(backend, "Socket", "read",
            () -> read[0] = (byte) in.read(), () -> peer.getOutputStream().write(42));
        if (outcome.virtual) {
          assertTrue(outcome.caught, "the scope catches the socket's 'Closed by interrupt'");
        } else {
          assertArrayEquals(new byte[] {42}, read, "a platform thread's read is not woken");
          assertTrue(outcome.caught, "the cancellation comes at the next checkpoint");
        }
      }
    }
  }

  // ---- not woken: they complete by themselves, then the next checkpoint throws -----------------

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void completableFutureJoin_isNotWoken_returnsWhenCompleted(Backend backend) {
    CompletableFuture<String> future = new CompletableFuture<>();
    AtomicReference<String> joined = new AtomicReference<>();

    Outcome outcome = runCancelledWhileIn(backend, "java.util.concurrent.CompletableFuture",
        "join", () -> joined.set(future.join()), () -> future.complete("value"));

    assertEquals("value", joined.get());
    assertTrue(outcome.caught);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void reentrantLockLock_isNotWoken_acquiresWhenReleased(Backend backend)
      throws InterruptedException {
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Boolean> acquired = new AtomicReference<>(false);
    Thread holder = Thread.ofPlatform().start(() -> {
      lock.lock();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      } finally {
        lock.unlock();
      }
    });
    until(lock::isLocked);

    Outcome outcome = runCancelledWhileIn(backend, "java.util.concurrent.locks.ReentrantLock",
        "lock", () -> {
          lock.lock();
          acquired.set(true);
          lock.unlock();
        }, release::countDown);
    holder.join();

    assertTrue(acquired.get());
    assertTrue(outcome.caught);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** What a cancelled call came to. */
  private record Outcome(boolean caught, boolean virtual) {}

  /** Cancels while the task is in {@code call} (woken calls); returns whether the scope caught. */
  private static boolean cancelledWhileIn(
      Backend backend, String className, String method, ThrowingRunnable<?> call) {
    return runCancelledWhileIn(backend, className, method, call, () -> {}).caught;
  }

  /**
   * A task makes {@code call} inside a scope and then reaches a checkpoint; once its stack shows it
   * inside {@code className.method}, another task cancels the scope (which interrupts the task's
   * thread before {@code cancel()} returns), and then runs {@code complete}.
   */
  private static Outcome runCancelledWhileIn(Backend backend, String className, String method,
      ThrowingRunnable<?> call, ThrowingRunnable<?> complete) {
    CancelScope scope = CancelScope.create();
    AtomicReference<Thread> caller = new AtomicReference<>();
    AtomicReference<Boolean> virtual = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("caller", () -> {
        caller.set(Thread.currentThread());
        virtual.set(Thread.currentThread().isVirtual());
        scope.run(() -> {
          call.run();
          Weft.checkpoint();
        });
      });
      until(() -> caller.get() != null && isIn(caller.get(), className, method));
      scope.cancel(); // has interrupted the caller's thread when it returns
      complete.run();
    }));

    return new Outcome(scope.cancelledCaught(), virtual.get());
  }

  private static boolean isIn(Thread t, String className, String method) {
    return Arrays.stream(t.getStackTrace()).anyMatch(
        f -> f.getClassName().contains(className) && f.getMethodName().equals(method));
  }

}

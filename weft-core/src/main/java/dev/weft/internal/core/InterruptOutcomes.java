package dev.weft.internal.core;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Recognises the exceptions by which the JDK reports that an interrupt ended a blocking call, so
 * that, in a task that Weft interrupted because it was cancelled, they count as the cancellation
 * (semantics B3, B6). Runs under the run's lock: it calls no method that user code could override
 * ({@code getMessage} and {@code getCause} only on the JDK's own classes, compared exactly).
 */
public final class InterruptOutcomes {

  private InterruptOutcomes() {}

  /** Whether {@code t} says that an interrupt ended a blocking JDK call. */
  public static boolean endedByInterrupt(Throwable t) {
    if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
      return true;
    }
    if (t instanceof InterruptedIOException) {
      return !(t instanceof SocketTimeoutException); // a timeout, not an interrupt
    }
    if (t != null && t.getClass() == SocketException.class) {
      // A socket read or write on a virtual thread; the JDK's own class, so its own getMessage.
      return "Closed by interrupt".equals(t.getMessage());
    }
    if (t != null && t.getClass() == UncheckedIOException.class) {
      Throwable cause = t.getCause(); // the usual wrapper of an IOException in a lambda
      return cause != null && cause != t && endedByInterrupt(cause);
    }
    return false;
  }
}

package dev.weft.internal.stream;

import java.nio.ByteBuffer;

/**
 * A byte stream that can take bytes without waiting, for a cleanup that must not wait (a TLS
 * stream's {@code close_notify} in {@code close}).
 */
public interface SendsWithoutWaiting {

  /**
   * Sends as much of {@code src} as can be sent at once, or nothing; never waits, not a
   * checkpoint, throws nothing.
   *
   * @param src the bytes; its position moves past what was taken
   */
  void sendWithoutWaiting(ByteBuffer src);
}

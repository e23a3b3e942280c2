package dev.weft.internal.stream;

import java.nio.ByteBuffer;

/** The argument checks that every byte stream shares (semantics N1). */
public final class ByteArguments {

  private ByteArguments() {}

  /** A receive's {@code dst} must have room for at least one byte. */
  public static void requireRoom(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      throw new IllegalArgumentException(
          "dst must have room for at least one byte, but has none (position = limit = "
              + dst.limit() + ")");
    }
  }
}

package dev.weft.stream;

import dev.weft.internal.stream.ByteQueue;
import dev.weft.internal.stream.SendsWithoutWaiting;
import dev.weft.internal.core.SafeStrings;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Byte streams connected in memory (Trio's {@code memory_stream_pair} and {@code
 * lockstep_stream_pair}): for tests of protocol code on any backend, the deterministic one
 * included, and for pipes inside one program.
 */
public final class ByteStreams {

  private ByteStreams() {}

  /**
   * Returns two connected ends: what one sends, the other receives. A send never waits (the bytes
   * are buffered without bound), so a send is never cancelled part-way.
   *
   * @return the two ends
   */
  public static Pair memoryPair() {
    return pair(false);
  }

  /**
   * Returns two connected ends whose sends return only once the peer has received every byte:
   * the strictest flow control, which finds protocol code that relies on buffering. A send
   * cancelled before any of its bytes was received leaves the stream as if it never happened; one
   * cancelled after some were received breaks the stream for sends (semantics N2).
   *
   * @return the two ends
   */
  public static Pair lockstepPair() {
    return pair(true);
  }

  /**
   * Joins a send stream and a receive stream into one two-way stream (AnyIO's {@code
   * StapledByteStream}): for a process's standard input and output, or two one-way pipes.
   * {@code sendEof()} closes {@code send}; {@code close()} closes both (semantics N16).
   *
   * @param send where the two-way stream's sends go; owned by it from now on
   * @param receive where its receives come from; owned by it from now on
   * @return the two-way stream
   * @throws NullPointerException if an argument is null
   */
  public static ByteStream staple(ByteSendStream send, ByteReceiveStream receive) {
    Objects.requireNonNull(send, "send");
    Objects.requireNonNull(receive, "receive");
    return new Stapled(send, receive);
  }

  private record Stapled(ByteSendStream out, ByteReceiveStream in) implements ByteStream {
    @Override
    public int receive(ByteBuffer dst) {
      return in.receive(dst);
    }

    @Override
    public void send(ByteBuffer src) {
      out.send(src);
    }

    @Override
    public void sendEof() {
      out.close();
    }

    @Override
    public void close() {
      try {
        out.close();
      } finally {
        in.close();
      }
    }

    @Override
    public String toString() {
      return "stapled byte stream (sends to " + SafeStrings.of(out) + ", receives from "
          + SafeStrings.of(in) + ")";
    }
  }

  private static Pair pair(boolean lockstep) {
    ByteQueue ab = new ByteQueue(lockstep);
    ByteQueue ba = new ByteQueue(lockstep);
    return new Pair(new End(ab, ba, "end a"), new End(ba, ab, "end b"));
  }

  /**
   * Two connected ends.
   *
   * @param a one end
   * @param b the other end
   */
  public record Pair(ByteStream a, ByteStream b) {}

  /** One end: sends into one queue, receives from the other. */
  private record End(ByteQueue out, ByteQueue in, String name)
      implements ByteStream, SendsWithoutWaiting {
    @Override
    public int receive(ByteBuffer dst) {
      return in.receive(dst);
    }

    @Override
    public void send(ByteBuffer src) {
      out.send(src);
    }

    @Override
    public void sendEof() {
      out.sendEof();
    }

    @Override
    public void sendWithoutWaiting(ByteBuffer src) {
      out.sendWithoutWaiting(src);
    }

    @Override
    public void close() {
      out.closeSender();
      in.closeReceiver();
    }

    @Override
    public String toString() {
      return "memory byte stream (" + name + ")";
    }
  }
}

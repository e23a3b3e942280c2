package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.SafeStrings;
import dev.weft.internal.stream.ByteArguments;
import dev.weft.internal.stream.SendsWithoutWaiting;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ByteStream;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * TLS over any {@link ByteStream} (a {@link TcpStream}, a memory pair, another TLS stream), with
 * the JDK's {@link SSLEngine}; itself a {@code ByteStream} that carries the plaintext (semantics
 * N10-N12).
 *
 * <pre>{@code
 * try (TlsStream tls = TlsStream.client(Tcp.connect("example.com", 443), context, "example.com")) {
 *     tls.send(ByteBuffer.wrap(request));
 *     ...
 * }
 * }</pre>
 *
 * <h2>Cancellation</h2>
 * A TLS stream keeps the ciphertext it has received and not decrypted, and the plaintext it has
 * decrypted and not returned, across calls: a {@link #receive} cancelled while it waits consumed
 * nothing, and the stream stays usable. A {@link #send} cancelled before it encrypted anything had
 * no effect; cancelled after, the stream is broken for sends (TLS cannot resend a record, and the
 * peer may have part of the data). The handshake is cancellable; a cancelled or failed handshake
 * closes the transport.
 *
 * <h2>Ending</h2>
 * {@link #sendEof} sends TLS's {@code close_notify} and may wait for the transport (unlike a TCP
 * stream's, it is a checkpoint). {@link #close} never waits: with {@link CloseNotify#REQUIRED} it
 * sends {@code close_notify} if the transport takes it at once, then closes the transport.
 *
 * <h2>Thread safety</h2>
 * One receive and one send may run at once, from different tasks; a second of either throws
 * {@link BusyResourceException}. {@link #close} may be called from any thread.
 */
public final class TlsStream implements ByteStream {

  /*
   * Implementation notes. Two Weft locks split the engine's two directions, which SSLEngine allows
   * to run concurrently: `receiveLock` guards `netIn`, `appIn`, `inboundDone` and every unwrap and
   * transport receive; `sendLock` guards `netOut` and every wrap and transport send. The user's
   * receive and send hold their own lock for their whole operation (`receiving` and `sending`
   * admit one of each; a second is busy). Handshake messages after the handshake cross over: an
   * unwrap that leaves the engine wanting to wrap (a TLS 1.3 key update asking for ours, a TLS 1.2
   * renegotiation) sends the reply if `sendLock` is free, and otherwise sets `replyPending` and
   * leaves it to the lock's holder, which sends replies before it releases the lock and looks at
   * the flag again after (whoever acts last looks again); a wrap that leaves it wanting to unwrap
   * (renegotiation) takes `receiveLock` if it is free and reads itself, and otherwise releases
   * `sendLock` (which the receiver may need for its reply) and waits for `unwrapped`, an event set
   * and swapped after every unwrap and whenever the receive lock is released. It reads the event
   * before it looks at the engine's status, so a step that happens in between is never missed. No
   * task waits for one lock while it holds the other, so the two cannot deadlock (a receiver that
   * sends a reply holds the receive lock while the transport takes it). The buffers
   * are in write mode between operations. `closed`, `eofSent`, `brokenForSends` and `broken` are
   * volatile and only ever become true or non-null.
   */

  /** Whether a TLS stream exchanges {@code close_notify} at its end (semantics N12). */
  public enum CloseNotify {
    /**
     * {@code close} sends {@code close_notify}, and the transport's end without the peer's {@code
     * close_notify} is a {@link BrokenResourceException} (the data may have been truncated).
     */
    REQUIRED,
    /**
     * {@code close} sends nothing, and the transport's end is the end of the stream: for peers
     * that never send {@code close_notify} (AnyIO's {@code standard_compatible=False}).
     */
    NOT_REQUIRED
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final ByteStream transport;
  private final SSLEngine engine;
  private final boolean closeNotifyRequired;
  private final Lock receiveLock = new Lock().named("TLS receive");
  private final Lock sendLock = new Lock().named("TLS send");
  private final AtomicBoolean receiving = new AtomicBoolean();
  private final AtomicBoolean sending = new AtomicBoolean();
  private ByteBuffer netIn; // receiveLock
  private ByteBuffer appIn; // receiveLock
  private boolean inboundDone; // receiveLock
  private ByteBuffer netOut; // sendLock
  private final AtomicReference<Event> unwrapped = new AtomicReference<>(new Event());
  private volatile boolean closed;
  private volatile boolean eofSent;
  private volatile boolean brokenForSends;
  private volatile boolean replyPending; // a receiver left a handshake answer to the sender
  private volatile BrokenResourceException broken;

  private TlsStream(ByteStream transport, SSLEngine engine, CloseNotify closeNotify) {
    this.transport = transport;
    this.engine = engine;
    this.closeNotifyRequired = closeNotify == CloseNotify.REQUIRED;
    SSLSession session = engine.getSession();
    this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
    this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
    this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
  }

  /**
   * Runs a client's handshake over {@code transport} and returns the TLS stream. Sends {@code
   * serverName} as SNI (unless it is an IP literal) and checks the server's certificate against it
   * as HTTPS does. A checkpoint; may wait.
   *
   * @param transport the connection to the server; owned by the TLS stream once the handshake
   *     starts (closed if the handshake fails or is cancelled)
   * @param context the TLS configuration (trusted certificates, protocols)
   * @param serverName the server's host name (or IP address) that its certificate must name
   * @param applicationProtocols protocols to offer with ALPN, most preferred first (none: no ALPN)
   * @return the stream, its handshake done
   * @throws SSLException if the handshake fails (typically {@link SSLHandshakeException})
   * @throws IllegalArgumentException if {@code serverName} is blank or not a valid host name, or
   *     a protocol name is empty
   * @throws NullPointerException if an argument is null
   */
  public static TlsStream client(ByteStream transport, SSLContext context, String serverName,
      String... applicationProtocols) throws SSLException {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(serverName, "serverName");
    if (serverName.isBlank()) {
      throw new IllegalArgumentException("serverName must not be blank");
    }
    String[] protocols = checkProtocols(applicationProtocols);
    SSLEngine engine = context.createSSLEngine(serverName, -1);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!isIpLiteral(serverName)) {
      try {
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "serverName is not a valid host name: " + e.getMessage(), e);
      }
    }
    if (protocols.length > 0) {
      parameters.setApplicationProtocols(protocols);
    }
    engine.setSSLParameters(parameters);
    return wrap(transport, engine, CloseNotify.REQUIRED);
  }

  /**
   * Runs a server's handshake over {@code transport} and returns the TLS stream. A checkpoint;
   * may wait.
   *
   * @param transport the connection from the client; owned by the TLS stream once the handshake
   *     starts
   * @param context the TLS configuration (the server's key and certificate)
   * @param applicationProtocols protocols to accept with ALPN, most preferred first (none: no ALPN)
   * @return the stream, its handshake done
   * @throws SSLException if the handshake fails (typically {@link SSLHandshakeException})
   * @throws IllegalArgumentException if a protocol name is empty
   * @throws NullPointerException if an argument is null
   */
  public static TlsStream server(ByteStream transport, SSLContext context,
      String... applicationProtocols) throws SSLException {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(context, "context");
    String[] protocols = checkProtocols(applicationProtocols);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    if (protocols.length > 0) {
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setApplicationProtocols(protocols);
      engine.setSSLParameters(parameters);
    }
    return wrap(transport, engine, CloseNotify.REQUIRED);
  }

  /**
   * Runs the handshake of an engine that the caller configured (client or server mode, SNI, ALPN,
   * protocols, client authentication) and returns the TLS stream. A checkpoint; may wait.
   *
   * @param transport the connection; owned by the TLS stream once the handshake starts
   * @param engine a new engine, not used before
   * @param closeNotify whether the end of the stream exchanges {@code close_notify}
   * @return the stream, its handshake done
   * @throws SSLException if the handshake fails (typically {@link SSLHandshakeException})
   * @throws NullPointerException if an argument is null
   */
  public static TlsStream wrap(ByteStream transport, SSLEngine engine, CloseNotify closeNotify)
      throws SSLException {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(closeNotify, "closeNotify");
    TlsStream tls = new TlsStream(transport, engine, closeNotify);
    boolean done = false;
    try {
      tls.handshake();
      done = true;
      return tls;
    } catch (SSLException e) {
      tls.sendAlertWithoutWaiting();
      throw e;
    } finally {
      if (!done) {
        transport.close();
      }
    }
  }

  private void handshake() throws SSLException {
    engine.beginHandshake();
    while (true) {
      switch (engine.getHandshakeStatus()) {
        case NEED_WRAP -> wrapAndSend(EMPTY);
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          // true: this loop wraps what the engine wants sent, so that a transport failure in
          // the last flight fails the handshake instead of being left to a later send
          if (!unwrapOnce(true)) {
            throw new SSLHandshakeException(
                "the connection ended during the TLS handshake (" + SafeStrings.of(transport) + ")");
          }
        }
        case NEED_TASK -> runDelegatedTasks();
        default -> {
          // FINISHED or NOT_HANDSHAKING; but a peer's alerts (user_canceled, then close_notify)
          // end the session without an exception and leave NOT_HANDSHAKING: not a handshake.
          if (inboundDone || engine.isInboundDone() || engine.isOutboundDone()) {
            throw new SSLHandshakeException(
                "the peer ended the TLS session during the handshake (" + SafeStrings.of(transport)
                    + ")");
          }
          return;
        }
      }
    }
  }

  // ---- receive --------------------------------------------------------------------------------

  @Override
  public int receive(ByteBuffer dst) {
    ByteArguments.requireRoom(dst);
    Checkpoints.checkpoint();
    requireOpen();
    if (!receiving.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already receiving from " + this);
    }
    try {
      receiveLock.acquire();
      try {
        while (appIn.position() == 0) {
          requireOpen();
          requireNotBroken();
          if (inboundDone) {
            return -1;
          }
          if (!unwrapOnce(false)) {
            return transportEnded();
          }
        }
        return drainInto(dst);
      } catch (SSLException e) {
        throw fail(e);
      } catch (ClosedResourceException e) {
        throw closed ? closedWhile("receiving") : e;
      } finally {
        receiveLock.release();
        signalUnwrapped(); // a sender may wait for the receive lock's holder to move on
      }
    } finally {
      receiving.set(false);
    }
  }

  /**
   * Decrypts what {@code netIn} holds, reading from the transport while it holds too little for a
   * record; answers handshake messages unless the caller wraps them itself (a sender, which holds
   * the send lock, or the handshake's own loop). Returns {@code false} if the transport ended
   * first. Receive lock held (or the handshake, before the stream is shared).
   */
  private boolean unwrapOnce(boolean sendLockHeld) throws SSLException {
    while (true) {
      netIn.flip();
      SSLEngineResult result;
      try {
        result = engine.unwrap(netIn, appIn);
      } finally {
        netIn.compact();
      }
      switch (result.getStatus()) {
        case OK, CLOSED -> {
          inboundDone |= result.getStatus() == SSLEngineResult.Status.CLOSED;
          signalUnwrapped();
          afterUnwrap(result.getHandshakeStatus(), sendLockHeld);
          return true;
        }
        case BUFFER_OVERFLOW ->
            appIn = enlarge(appIn, engine.getSession().getApplicationBufferSize());
        case BUFFER_UNDERFLOW -> {
          if (netIn.remaining() < engine.getSession().getPacketBufferSize()) {
            netIn = enlarge(netIn, engine.getSession().getPacketBufferSize());
          }
          if (transport.receive(netIn) < 0) { // the transport's receive consumed nothing if cancelled
            return false;
          }
        }
      }
    }
  }

  /** Answers what an unwrap left the handshake wanting. Receive lock held. */
  private void afterUnwrap(HandshakeStatus status, boolean sendLockHeld) throws SSLException {
    if (status == HandshakeStatus.NEED_TASK) {
      runDelegatedTasks();
      status = engine.getHandshakeStatus();
    }
    if (status == HandshakeStatus.NEED_WRAP && !sendLockHeld) {
      answerHandshake();
    }
  }

  /**
   * Sends the engine's answer to a handshake message (a key update's, a renegotiation's, a TLS
   * 1.2 close_notify's) if the send lock is free; otherwise leaves it to the sender that holds
   * the lock, which sends it before it releases the lock (see {@link #send}). A receiver never
   * waits for a sender: a sender may be waiting for a peer that waits for this receiver to read.
   * The flag and the lock make a handshake: whoever sets or clears the flag last looks again.
   */
  private void answerHandshake() throws SSLException {
    replyPending = true;
    sendPendingReplies();
  }

  /** Sends a pending answer if the send lock is free; the lock's holder sends it otherwise. */
  private void sendPendingReplies() throws SSLException {
    while (replyPending && sendLock.tryAcquire()) {
      try {
        sendReplies();
      } finally {
        sendLock.release();
      }
    }
  }

  /**
   * Sends what the handshake wants sent, unless sends are broken (an answer after a partial
   * record would corrupt the stream). A failure breaks sends but not the receive that met it;
   * a cancellation propagates. Send lock held.
   */
  private void sendReplies() throws SSLException {
    replyPending = false;
    try {
      while (!brokenForSends && broken == null
          && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
        wrapAndSend(EMPTY);
      }
    } catch (BrokenResourceException | ClosedResourceException e) {
      brokenForSends = true; // the transport cannot send: the receive carries on
    }
  }

  /** The transport ended before the peer's {@code close_notify}. Receive lock held. */
  private int transportEnded() {
    inboundDone = true;
    if (closeNotifyRequired) {
      throw fail(new SSLException("the peer closed the connection without TLS close_notify: the"
          + " data may have been truncated (use CloseNotify.NOT_REQUIRED for peers that never"
          + " send it)"));
    }
    return -1;
  }

  private int drainInto(ByteBuffer dst) {
    appIn.flip();
    int n = Math.min(appIn.remaining(), dst.remaining());
    dst.put(appIn.slice(appIn.position(), n));
    appIn.position(appIn.position() + n);
    appIn.compact();
    return n;
  }

  /** Sets the current step's event, swapping in a fresh one first: every event swapped out is set. */
  private void signalUnwrapped() {
    unwrapped.getAndSet(new Event()).set();
  }

  // ---- send -----------------------------------------------------------------------------------

  @Override
  public void send(ByteBuffer src) {
    Checkpoints.checkpoint();
    requireOpen();
    if (eofSent) {
      throw new ClosedResourceException(this + " sent its end already (sendEof)");
    }
    requireNotBrokenForSends();
    if (!sending.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already sending on " + this);
    }
    boolean locked = false;
    boolean encrypted = false;
    try {
      sendLock.acquire();
      locked = true;
      while (src.hasRemaining()) {
        requireOpen();
        requireNotBrokenForSends();
        Checkpoints.checkpointIfCancelled();
        Event step = unwrapped.get(); // before the status: a step in between sets it
        HandshakeStatus status = engine.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_TASK) {
          runDelegatedTasks();
        } else if (status == HandshakeStatus.NEED_UNWRAP
            || status == HandshakeStatus.NEED_UNWRAP_AGAIN) {
          if (receiveLock.tryAcquire()) {
            try {
              if (needsUnwrap() && !unwrapOnce(true)) {
                throw fail(new SSLException("the connection ended during a TLS handshake"));
              }
            } finally {
              receiveLock.release();
            }
          } else {
            sendLock.release(); // the receiver may need it to answer the peer
            locked = false;
            step.await();
            sendLock.acquire();
            locked = true;
          }
        } else {
          int before = src.position();
          wrapAndSend(src);
          encrypted |= src.position() != before;
        }
      }
      sendReplies(); // what a receiver left to us (answerHandshake)
      sendLock.release();
      locked = false;
      sendPendingReplies(); // one a receiver left after our last look
    } catch (SSLException e) {
      throw fail(e);
    } catch (ClosedResourceException e) {
      throw closed ? closedWhile("sending") : e;
    } catch (Throwable t) {
      if (encrypted) {
        brokenForSends = true;
      }
      throw t;
    } finally {
      if (locked) {
        sendLock.release();
      }
      sending.set(false);
    }
  }

  private boolean needsUnwrap() {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN;
  }

  /**
   * Wraps one record from {@code src} (or a handshake message) and sends it; a send that fails or
   * is cancelled part-way breaks the stream for sends, since the record cannot be sent again. Send
   * lock held (or the handshake).
   */
  private void wrapAndSend(ByteBuffer src) throws SSLException {
    while (true) {
      SSLEngineResult result = engine.wrap(src, netOut);
      switch (result.getStatus()) {
        case BUFFER_OVERFLOW -> netOut = enlarge(netOut, engine.getSession().getPacketBufferSize());
        case CLOSED -> {
          if (netOut.position() > 0) {
            flushNetOut(); // the close_notify itself
            return;
          }
          throw eofSent || closed
              ? new ClosedResourceException(this + " sent its end already (sendEof)")
              : new BrokenResourceException("the TLS session of " + this + " has ended");
        }
        default -> {
          flushNetOut();
          if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
          }
          return;
        }
      }
    }
  }

  private void flushNetOut() {
    netOut.flip();
    try {
      while (netOut.hasRemaining()) {
        transport.send(netOut);
      }
    } catch (Throwable t) {
      brokenForSends = true;
      throw t;
    } finally {
      netOut.clear();
    }
  }

  // ---- ending ---------------------------------------------------------------------------------

  /**
   * Sends TLS's end of data ({@code close_notify}): the peer receives what was sent, then the end.
   * On TLS 1.3 this end can still receive; a TLS 1.2 peer usually answers with its own end. A
   * checkpoint that may wait for the transport; idempotent.
   *
   * @throws ClosedResourceException if this stream was closed
   */
  @Override
  public void sendEof() {
    requireOpen();
    if (eofSent) {
      requireNotBrokenForSends(); // an earlier sendEof that failed part-way did not end it
      return;
    }
    sendLock.acquire();
    try {
      if (eofSent) {
        requireNotBrokenForSends();
        return;
      }
      eofSent = true;
      requireNotBrokenForSends();
      engine.closeOutbound();
      // The engine may hold a reply queued before the close_notify (a key update's), and each
      // wrap emits one record; after a TLS 1.2 peer's close_notify our answer already ended it.
      while (!engine.isOutboundDone()) {
        requireNotBrokenForSends();
        wrapAndSend(EMPTY);
      }
    } catch (SSLException e) {
      throw fail(e);
    } finally {
      sendLock.release();
    }
  }

  /**
   * Closes the stream and its transport. With {@link CloseNotify#REQUIRED}, first sends {@code
   * close_notify} if no send is in progress and the transport takes it without waiting. Never
   * waits, not a checkpoint, idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (closeNotifyRequired && !eofSent && broken == null && !brokenForSends
          && sendLock.tryAcquire()) {
        try {
          eofSent = true;
          engine.closeOutbound();
          sendAlertWithoutWaiting();
        } finally {
          sendLock.release();
        }
      }
    } catch (RuntimeException e) {
      // the close_notify is a courtesy: closing the transport below is what matters
    } finally {
      transport.close();
    }
  }

  /**
   * Wraps what the engine wants to send (an alert, {@code close_notify}) and gives it to the
   * transport only if it takes it without waiting. Send lock held, or the handshake failed.
   */
  private void sendAlertWithoutWaiting() {
    try {
      netOut.clear();
      for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
        if (engine.wrap(EMPTY, netOut).getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          break;
        }
      }
      if (engine.isOutboundDone() || netOut.position() > 0) {
        netOut.flip();
        if (transport instanceof ChannelStream socket) {
          socket.sendWithoutWaiting(netOut);
        } else if (transport instanceof SendsWithoutWaiting s) {
          s.sendWithoutWaiting(netOut);
        }
      }
    } catch (SSLException | RuntimeException e) {
      // nothing more to do: the transport is about to close
    } finally {
      netOut.clear();
    }
  }

  // ---- what the stream can tell ---------------------------------------------------------------

  /**
   * Returns the TLS session: the protocol, the cipher suite, the peer's certificates.
   *
   * @return the session negotiated by the handshake
   */
  public SSLSession session() {
    return engine.getSession();
  }

  /**
   * Returns the protocol that ALPN chose, or empty if none was negotiated.
   *
   * @return the application protocol
   */
  public Optional<String> applicationProtocol() {
    String protocol = engine.getApplicationProtocol();
    return protocol == null || protocol.isEmpty() ? Optional.empty() : Optional.of(protocol);
  }

  /**
   * Returns the stream that carries the ciphertext, for what it can tell (a {@link TcpStream}'s
   * addresses). Do not send or receive on it.
   *
   * @return the transport
   */
  public ByteStream transport() {
    return transport;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void runDelegatedTasks() {
    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
      task.run(); // CPU work (certificate checks, key generation); no waiting
    }
  }

  private static ByteBuffer enlarge(ByteBuffer buffer, int atLeastRoomFor) {
    ByteBuffer bigger =
        ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + atLeastRoomFor));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  private BrokenResourceException fail(SSLException e) {
    BrokenResourceException failure = broken;
    if (failure == null) {
      failure = new BrokenResourceException("TLS failed on " + this + ": " + e.getMessage(), e);
      broken = failure;
    }
    return failure;
  }

  private void requireOpen() {
    if (closed) {
      throw new ClosedResourceException(this + " was closed");
    }
  }

  private void requireNotBroken() {
    BrokenResourceException failure = broken;
    if (failure != null) {
      throw new BrokenResourceException(failure.getMessage(), failure.getCause());
    }
  }

  private void requireNotBrokenForSends() {
    requireNotBroken();
    if (brokenForSends) {
      throw new BrokenResourceException("an earlier send on " + this + " was cancelled or failed"
          + " after it encrypted data; TLS cannot resend it, so the stream cannot send again");
    }
  }

  private ClosedResourceException closedWhile(String doing) {
    return new ClosedResourceException(this + " was closed while it was " + doing);
  }

  private static String[] checkProtocols(String[] protocols) {
    Objects.requireNonNull(protocols, "applicationProtocols");
    for (int i = 0; i < protocols.length; i++) {
      if (protocols[i] == null || protocols[i].isEmpty()) {
        throw new IllegalArgumentException(
            "applicationProtocols[" + i + "] must be a non-empty protocol name, but is "
                + (protocols[i] == null ? "null" : "empty"));
      }
    }
    return protocols.clone();
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  @Override
  public String toString() {
    return "TLS stream over " + SafeStrings.of(transport); // a user's transport may throw
  }
}

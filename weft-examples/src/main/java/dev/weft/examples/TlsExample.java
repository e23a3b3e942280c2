package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.net.Tcp;
import dev.weft.net.TlsListener;
import dev.weft.net.TlsStream;
import dev.weft.stream.TextStream;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS server and two clients on loopback, with a self-signed certificate that the JDK's own
 * keytool makes for this run (semantics N10-N13): a client that does not trust it fails its
 * handshake while the server goes on; one that does talks to it, with a deadline on its request.
 */
public final class TlsExample {

  private static final char[] PASSWORD = "demo-only".toCharArray();

  private TlsExample() {}

  public static void main(String[] args) throws Exception {
    KeyStore keys = selfSignedCertificate();
    SSLContext server = serverContext(keys);
    SSLContext client = clientTrusting(keys);
    Weft.run(() -> {
      try (TlsListener listener = new TlsListener(
          Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), server)) {
        int port = listener.localAddress().getPort();
        TaskGroup.run(group -> {
          group.startSoon("server", () -> listener.serve(connection -> {
            try (TextStream text = new TextStream(connection, StandardCharsets.UTF_8)) {
              text.send("hello, " + text.receive() + " (over "
                  + connection.session().getProtocol() + ")");
            }
          }));
          try (TlsStream tls = TlsStream.client(Tcp.connect("localhost", port),
              SSLContext.getDefault(), "localhost")) {
            System.out.println("unexpected: the default trust store trusted a self-signed cert");
          } catch (SSLHandshakeException e) {
            System.out.println("a client with the default trust store: " + e.getMessage());
          }
          String reply = Timeouts.failAfter(Duration.ofSeconds(5), () -> {
            try (TextStream text = new TextStream(
                TlsStream.client(Tcp.connect("localhost", port), client, "localhost"),
                StandardCharsets.UTF_8)) {
              text.send("TLS client");
              return text.receive();
            }
          });
          System.out.println("a client that trusts it: " + reply);
          group.cancelScope().cancel(); // stop the server
        });
      }
    });
  }

  private static KeyStore selfSignedCertificate() throws Exception {
    Path dir = Files.createTempDirectory("weft-tls-demo");
    Path store = dir.resolve("server.p12");
    try {
      Process keytool = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
          "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost",
          "-ext", "SAN=dns:localhost", "-validity", "1", "-keystore", store.toString(),
          "-storetype", "PKCS12", "-storepass", new String(PASSWORD))
          .redirectErrorStream(true).start();
      String output = new String(keytool.getInputStream().readAllBytes());
      if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD);
      }
      return keys;
    } finally {
      Files.deleteIfExists(store);
      Files.delete(dir);
    }
  }

  private static SSLContext serverContext(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext clientTrusting(KeyStore keys) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", keys.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}

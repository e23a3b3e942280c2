package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.WeftTest;
import dev.weft.net.Tcp;
import dev.weft.net.TlsListener;
import dev.weft.net.TlsStream;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A user's TLS echo server and client on loopback, with a certificate made by the JDK's keytool
 * for this test, and a deadline on each request.
 */
class TlsEchoTest {

  private static final char[] PASSWORD = "changeit".toCharArray();

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void aTlsEchoServer_answersEachRequestWithinItsDeadline() throws Exception {
    KeyStore keys = selfSignedCertificate();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", keys.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, tmf.getTrustManagers(), null);

    try (TlsListener listener = new TlsListener(
        Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), serverContext)) {
      TaskGroup.run(group -> {
        group.startSoon("echo server", () -> listener.serve(connection -> {
          ByteBuffer buffer = ByteBuffer.allocate(256);
          for (int n; (n = connection.receive(buffer.clear())) > 0; ) {
            connection.send(buffer.flip().limit(n));
          }
        }));
        try (TlsStream client = TlsStream.client(
            Tcp.connect("localhost", listener.localAddress().getPort()), clientContext,
            "localhost")) {
          for (String request : List.of("one", "two", "three")) {
            String reply = Timeouts.failAfter(Duration.ofSeconds(10), () -> {
              client.send(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
              ByteBuffer answer = ByteBuffer.allocate(256);
              int n = client.receive(answer);
              return new String(answer.array(), 0, n, StandardCharsets.UTF_8);
            });
            assertEquals(request, reply);
          }
        }
        group.cancelScope().cancel(); // stops the server
      });
    }
  }

  private static KeyStore selfSignedCertificate() throws Exception {
    Path dir = Files.createTempDirectory("tls-echo");
    Path store = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost", "-validity", "1", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertEquals(0, keytool.waitFor(), output);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    Files.delete(store);
    Files.delete(dir);
    return keys;
  }
}

package io.leakguard.notifier.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on loopback for what GreenMail cannot do: GreenMail 2.1 has no STARTTLS and accepts every
 * sender and recipient. Two modes:
 * <ul>
 *   <li>{@link #startTls}: offers STARTTLS, upgrades the connection with the test certificate, then relays the
 *       session (from the client's second EHLO on) to a GreenMail SMTP port, so the message lands in GreenMail;</li>
 *   <li>{@link #refusingRecipients}: answers every RCPT with the given reply (a 550 or a 451).</li>
 * </ul>
 * Serves one connection at a time, on a daemon thread, until closed.
 */
final class FakeSmtpServer implements AutoCloseable {

  private final ServerSocket socket;
  private final Thread acceptor;

  private FakeSmtpServer(Handler handler) throws IOException {
    socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try (Socket client = socket.accept()) {
          client.setSoTimeout(10_000);
          handler.serve(client);
        } catch (IOException endOfConnection) {
          // the client closed, or the server was closed
        }
      }
    }, "fake-smtp");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static FakeSmtpServer startTls(SSLContext tls, int upstreamPort) throws IOException {
    return new FakeSmtpServer(client -> {
      Conversation plain = new Conversation(client.getInputStream(), client.getOutputStream());
      plain.reply("220 fake ESMTP");
      while (true) {
        String command = plain.read();
        if (command == null) {
          return;
        }
        String verb = command.toUpperCase(Locale.ROOT);
        if (verb.startsWith("EHLO")) {
          plain.reply("250-fake\r\n250 STARTTLS");
        } else if (verb.equals("STARTTLS")) {
          plain.reply("220 go ahead");
          break;
        } else if (verb.equals("QUIT")) {
          plain.reply("221 bye");
          return;
        } else {
          plain.reply("530 5.7.0 must issue STARTTLS first");
        }
      }
      SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), false);
      secure.setUseClientMode(false);
      secure.startHandshake();
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        new Conversation(upstream.getInputStream(), upstream.getOutputStream()).read(); // GreenMail's 220: the
        // client had ours already
        Thread back = pump(upstream.getInputStream(), secure.getOutputStream());
        secure.getInputStream().transferTo(upstream.getOutputStream());
        back.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  static FakeSmtpServer refusingRecipients(String reply) throws IOException {
    return new FakeSmtpServer(client -> {
      Conversation c = new Conversation(client.getInputStream(), client.getOutputStream());
      c.reply("220 fake ESMTP");
      for (String command; (command = c.read()) != null; ) {
        String verb = command.toUpperCase(Locale.ROOT);
        if (verb.startsWith("EHLO") || verb.startsWith("HELO")) {
          c.reply("250 fake");
        } else if (verb.startsWith("RCPT")) {
          c.reply(reply);
        } else if (verb.equals("QUIT")) {
          c.reply("221 bye");
          return;
        } else {
          c.reply("250 OK");
        }
      }
    });
  }

  int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static Thread pump(InputStream in, OutputStream out) {
    Thread thread = new Thread(() -> {
      try {
        in.transferTo(out);
        out.flush();
      } catch (IOException closed) {
        // one side closed the connection
      }
    }, "fake-smtp-relay");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private interface Handler {
    void serve(Socket client) throws IOException;
  }

  /** Line-wise reading without a buffer that could swallow the TLS handshake after STARTTLS. */
  private record Conversation(InputStream in, OutputStream out) {
    String read() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b; (b = in.read()) != -1; ) {
        if (b == '\n') {
          return line.toString().strip();
        }
        line.append((char) b);
      }
      return line.length() == 0 ? null : line.toString().strip();
    }

    void reply(String lines) throws IOException {
      out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }
}

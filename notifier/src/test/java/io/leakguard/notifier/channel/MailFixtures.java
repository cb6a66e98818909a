package io.leakguard.notifier.channel;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** What the e-mail channel tests share: a GreenMail on loopback, a message, a config entry, secret checks. */
final class MailFixtures {

  static final String FROM = "LeakGuard <leakguard@leakguard.local>";
  static final String ALICE = "alice@example.com";

  private MailFixtures() {}

  /** A GreenMail with the given protocols on free loopback ports, started. */
  static GreenMail greenMail(String... protocols) {
    ServerSetup[] setups = new ServerSetup[protocols.length];
    for (int i = 0; i < protocols.length; i++) {
      setups[i] = new ServerSetup(0, "127.0.0.1", protocols[i]).dynamicPort();
    }
    GreenMail greenMail = new GreenMail(setups);
    greenMail.start();
    return greenMail;
  }

  static Message message(String deliveryId, String language, String title, String text) {
    return new Message(deliveryId, "inc-7f3a", "ROTATED", language, title, text, "**" + title + "**",
        "<p>" + text.replace("\n", "<br>") + "</p>", Map.of("status", "ROTATED"));
  }

  static Message message(String deliveryId) {
    return message(deliveryId, "en", "AccessKey LTAI****7Q2x of alice was rotated",
        "Your AccessKey LTAI****7Q2x leaked in github.com/acme/app/.env.\nIt was replaced and deleted.\n");
  }

  static Recipient owner(String email) {
    return new Recipient("mail", Recipient.OWNER, email, null, "en");
  }

  /** An {@code email} entry named {@code mail}: the fields given, as strings. */
  static ChannelConfig config(Map<String, String> env, String... keyValues) {
    Map<String, String> values = new HashMap<>();
    values.put("type", "email");
    values.put("from", FROM);
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return new ChannelConfig("mail", values, env);
  }

  static String raw(jakarta.mail.internet.MimeMessage message) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The exception's messages and stack trace, its causes' too, as a log would print them. */
  static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out + "\n" + t;
  }

  /** Whether any form of the password (as is, base64, AUTH PLAIN's base64) appears. */
  static boolean holdsSecret(String text, String username, String password) {
    Base64.Encoder b64 = Base64.getEncoder();
    return text.contains(password)
        || text.contains(b64.encodeToString(password.getBytes(StandardCharsets.UTF_8)))
        || text.contains(b64.encodeToString(("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8)));
  }
}

package io.leakguard.deploy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.testkit.SyntheticKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every notification channel's receiver for an end-to-end test: a real SMTP server (GreenMail) that requires a
 * login, and one HTTP server answering as DingTalk, Lark, WeCom, Slack and a generic webhook answer success. Each
 * channel's credentials (SMTP password, robot tokens and signing secrets, the webhook's secret) are generated here
 * and written to owner-only files that the routing file names, so the test can check that none of them reaches a
 * topic or a log line. The routing file sends owners e-mail and the security team every channel.
 */
final class ChannelReceivers implements AutoCloseable {

  static final String SECURITY = "security@example.com";

  final GreenMail mail;
  final HttpServer http;
  /** Request bodies by path prefix: /dingtalk, /lark, /wecom, /slack, /hook. */
  final Map<String, List<String>> calls = new ConcurrentHashMap<>();
  private final String smtpPassword = SyntheticKeys.random(24);
  private final String dingtalkToken = SyntheticKeys.random(40);
  private final String dingtalkSecret = "SEC" + SyntheticKeys.random(40);
  private final String larkToken = SyntheticKeys.random(32);
  private final String larkSecret = SyntheticKeys.random(24);
  private final String wecomKey = SyntheticKeys.random(36);
  private final String slackToken = SyntheticKeys.random(24);
  private final String webhookSecret = SyntheticKeys.random(32);

  ChannelReceivers() throws IOException {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    mail.start();
    mail.setUser("leakguard@example.com", "leakguard", smtpPassword);
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    answer("/dingtalk", "{\"errcode\":0,\"errmsg\":\"ok\"}");
    answer("/lark", "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
    answer("/wecom", "{\"errcode\":0,\"errmsg\":\"ok\"}");
    answer("/slack", "ok");
    answer("/hook", "");
    http.start();
  }

  private void answer(String path, String body) {
    http.createContext(path, exchange -> {
      calls.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
          .add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
      exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
      exchange.close();
    });
  }

  /** Every credential of every channel. */
  List<String> secrets() {
    return List.of(smtpPassword, dingtalkToken, dingtalkSecret, larkToken, larkSecret, wecomKey, slackToken,
        webhookSecret);
  }

  /** Writes the credential files and the routing file into {@code dir}; returns the routing file. */
  Path writeRouting(Path dir) throws IOException {
    String base = "http://127.0.0.1:" + http.getAddress().getPort();
    String routing = """
        {"channels": {
           "mail": {"type": "email", "host": "127.0.0.1", "port": %d, "security": "none",
                    "from": "LeakGuard <leakguard@example.com>", "username": "leakguard", "passwordFile": "%s"},
           "dingtalk": {"type": "dingtalk", "urlFile": "%s", "secretFile": "%s"},
           "lark": {"type": "lark", "urlFile": "%s", "secretFile": "%s"},
           "wecom": {"type": "wecom", "urlFile": "%s"},
           "slack": {"type": "slack", "urlFile": "%s"},
           "webhook": {"type": "webhook", "url": "%s/hook/leakguard", "secretFile": "%s", "cloudEvents": true}},
         "ownerChannel": "mail",
         "securityTeam": [{"channel": "dingtalk"}, {"channel": "lark"}, {"channel": "wecom"}, {"channel": "slack"},
                          {"channel": "webhook"}, {"channel": "mail", "email": "%s"}]}
        """.formatted(mail.getSmtp().getPort(), file(dir, "smtp-password", smtpPassword),
        file(dir, "dingtalk-url", base + "/dingtalk/robot/send?access_token=" + dingtalkToken),
        file(dir, "dingtalk-secret", dingtalkSecret),
        file(dir, "lark-url", base + "/lark/open-apis/bot/v2/hook/" + larkToken), file(dir, "lark-secret", larkSecret),
        file(dir, "wecom-url", base + "/wecom/cgi-bin/webhook/send?key=" + wecomKey),
        file(dir, "slack-url", base + "/slack/services/T0000/B0000/" + slackToken), base,
        file(dir, "webhook-secret", webhookSecret), SECURITY);
    Path file = dir.resolve("notify-routing.json");
    Files.writeString(file, routing);
    return file;
  }

  private static String file(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve("secrets").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file.toString();
  }

  @Override
  public void close() {
    http.stop(0);
    mail.stop();
  }
}

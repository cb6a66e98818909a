package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.leakguard.testkit.SyntheticKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a channel records ({@code describe}, going to {@code notification.outcomes}) and what its failures say never
 * hold the URL's token, the signing secret or a signature. URL shapes are the vendors' own:
 * DingTalk https://help.dingtalk.io/open/development/custom-robots-send-group-messages, Lark
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, WeCom
 * https://developer.work.weixin.qq.com/document/path/91770, Slack https://api.slack.com/messaging/webhooks.
 */
class RecipientRedactionTest {

  /** One channel type: how its real URL looks with a token, and its recorded label. */
  private record Shape(String type, String realBase, String path, boolean signed, String described) {

    String url(String base, String token) {
      return base + path.replace("TOKEN", token);
    }

    @Override
    public String toString() {
      return type;
    }
  }

  private static final List<Shape> SHAPES = List.of(
      new Shape("dingtalk", "https://oapi.dingtalk.com", "/robot/send?access_token=TOKEN", true,
          "oapi.dingtalk.com (dingtalk robot)"),
      new Shape("lark", "https://open.feishu.cn", "/open-apis/bot/v2/hook/TOKEN", true,
          "open.feishu.cn (lark bot)"),
      new Shape("lark", "https://open.larksuite.com", "/open-apis/bot/v2/hook/TOKEN", true,
          "open.larksuite.com (lark bot)"),
      new Shape("wecom", "https://qyapi.weixin.qq.com", "/cgi-bin/webhook/send?key=TOKEN", false,
          "qyapi.weixin.qq.com (wecom robot)"),
      new Shape("slack", "https://hooks.slack.com", "/services/T000/B000/TOKEN", false,
          "hooks.slack.com (slack webhook)"),
      new Shape("webhook", "https://soar.example.com", "/hooks/TOKEN/in?token=TOKEN&tenant=acme", true,
          "soar.example.com (webhook)"));

  /** How a delivery fails. */
  enum Failure { UNREACHABLE, CLIENT_ERROR, SERVER_ERROR, TIMEOUT, ECHOING_ERROR }

  private final String secret = "SEC" + SyntheticKeys.random(40);
  private LocalReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    receiver = LocalReceiver.start();
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  private static String token(Shape shape) {
    return shape.type().equals("lark") || shape.type().equals("wecom") ? UUID.randomUUID().toString()
        : SyntheticKeys.random(shape.type().equals("slack") ? 24 : 64);
  }

  private Channel channel(Shape shape, String url, String timeout) {
    Map<String, String> values = shape.signed()
        ? Map.of("type", shape.type(), "urlEnv", "URL", "secretEnv", "SECRET", "timeout", timeout)
        : Map.of("type", shape.type(), "urlEnv", "URL", "timeout", timeout);
    return ChannelFactory.create(new ChannelConfig("c", values, LocalReceiver.env("URL", url, "SECRET", secret)),
        shape.type());
  }

  static Stream<Shape> shapes() {
    return SHAPES.stream();
  }

  static Stream<Arguments> failures() {
    List<Arguments> cases = new ArrayList<>();
    for (Shape shape : SHAPES) {
      for (Failure failure : Failure.values()) {
        cases.add(Arguments.of(shape, failure));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void shouldRecordOnlyTheHostAndALabel(Shape shape) {
    // Given the vendor's real URL with a token
    String token = token(shape);
    Channel channel = channel(shape, shape.url(shape.realBase(), token), "5s");

    // When
    String described = channel.describe(Messages.owner("13800001111"));

    // Then
    assertEquals(shape.described(), described);
    assertNoSecret(described, token, List.of());
    assertFalse(described.contains("/"), "no path: " + described);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("failures")
  void shouldKeepCredentialsOutOfFailures(Shape shape, Failure failure) throws Exception {
    // Given a receiver failing one way
    String token = token(shape);
    List<String> seen = new ArrayList<>();
    String base = failure == Failure.UNREACHABLE ? LocalReceiver.unreachableBase() : receiver.base();
    receiver.answer(request -> {
      seen.add(request.target());
      seen.add(request.text());
      seen.add(String.valueOf(request.headers().getFirst("X-LeakGuard-Signature")));
      return switch (failure) {
        case CLIENT_ERROR -> LocalReceiver.Reply.of(403, "forbidden");
        case SERVER_ERROR -> LocalReceiver.Reply.of(503, "unavailable");
        case TIMEOUT -> LocalReceiver.Reply.HANG;
        // A vendor error that repeats the whole request (target, token, signature, body) and the channel's secret.
        default -> LocalReceiver.Reply.of(shape.type().equals("slack") || shape.type().equals("webhook") ? 404 : 200,
            echo(shape, request.target() + " " + token + " " + (shape.signed() ? secret : "") + " "
                + request.text()));
      };
    });
    Channel channel = channel(shape, shape.url(base, token), "300ms");

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel.send(Messages.owner("13800001111"), Messages.english("FAILED")));

    // Then nothing secret is said, whatever the receiver saw or sent back
    List<String> signatures = new ArrayList<>();
    for (String part : seen) {
      for (String name : List.of("sign=", "v1=", "\"sign\":\"")) {
        int at = part.indexOf(name);
        if (at >= 0) {
          String value = part.substring(at + name.length()).split("[&\"\\s]", 2)[0];
          signatures.add(value);
          signatures.add(java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
      }
    }
    assertNoSecret(e.getMessage(), token, signatures);
    assertFalse(e.getMessage().contains(shape.path().substring(0, shape.path().indexOf("TOKEN"))),
        "no path: " + e.getMessage());
  }

  private static String echo(Shape shape, String everything) {
    String quoted = everything.replace("\\", "\\\\").replace("\"", "\\\"");
    return switch (shape.type()) {
      case "dingtalk", "wecom" -> "{\"errcode\":300001,\"errmsg\":\"" + quoted + "\"}";
      case "lark" -> "{\"code\":9499,\"msg\":\"" + quoted + "\"}";
      default -> everything;
    };
  }

  private void assertNoSecret(String text, String token, List<String> signatures) {
    List<String> secrets = new ArrayList<>(List.of(token, secret, URLEncoder.encode(token, StandardCharsets.UTF_8)));
    secrets.addAll(signatures);
    for (String value : secrets) {
      if (value.length() >= 8) {
        assertFalse(text.contains(value), "'" + text + "' holds a credential");
      }
    }
  }
}

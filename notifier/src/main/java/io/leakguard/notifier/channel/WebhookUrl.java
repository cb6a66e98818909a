package io.leakguard.notifier.channel;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A robot's or webhook's URL. Its path or query usually is the credential (DingTalk's {@code access_token}, WeCom's
 * {@code key}, the last segments of Lark's and Slack's hooks), so the whole URL is treated as a secret: only its host
 * is ever shown, {@link #toString()} included, and no error message repeats the URL's text.
 */
final class WebhookUrl {

  private final URI uri;
  /** The parts of the URL that may hold a credential, longest first, for {@link #scrub}. */
  private final List<String> fragments;

  private WebhookUrl(URI uri) {
    this.uri = uri;
    List<String> parts = new ArrayList<>();
    if (uri.getRawQuery() != null) {
      parts.add(uri.getRawQuery());
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        parts.add(eq < 0 ? pair : pair.substring(eq + 1));
      }
    }
    if (uri.getRawPath() != null) {
      parts.add(uri.getRawPath());
      for (String segment : uri.getRawPath().split("/")) {
        parts.add(segment);
      }
    }
    if (uri.getRawUserInfo() != null) {
      parts.add(uri.getRawUserInfo());
    }
    this.fragments = parts.stream().filter(WebhookUrl::mayBeCredential).distinct()
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  /**
   * Parses a configured URL; the error names the field ({@code channels.<name>.url}) but never repeats the value,
   * which is a credential.
   */
  static WebhookUrl parse(String value, String field) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      // Not chained: URISyntaxException's message quotes the whole input.
      throw new IllegalArgumentException(field + ": not a valid URL (value not shown: it holds a credential)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new IllegalArgumentException(field + ": not an http(s) URL with a host (value not shown: it holds a "
          + "credential)");
    }
    return new WebhookUrl(uri);
  }

  /** The URL from {@code <key>Env} or {@code <key>File}: a robot URL always carries its token. */
  static WebhookUrl fromSecret(ChannelConfig config, String key) {
    return parse(config.requiredSecret(key), config.path(key));
  }

  URI uri() {
    return uri;
  }

  String host() {
    return uri.getHost();
  }

  /** The URL with {@code parameters} ({@code a=1&b=2}, already encoded) appended to its query. */
  URI withQuery(String parameters) {
    String text = uri.toString();
    int hash = text.indexOf('#');
    String base = hash < 0 ? text : text.substring(0, hash);
    return URI.create(base + (uri.getRawQuery() == null ? "?" : "&") + parameters);
  }

  /**
   * {@code text} (a vendor's error message) with every part of this URL that may be a credential, and each of
   * {@code secrets}, replaced by {@code ***}: a receiver that echoes its request must not make us record a token.
   */
  String scrub(String text, String... secrets) {
    if (text == null) {
      return "";
    }
    String scrubbed = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        scrubbed = scrubbed.replace(secret, "***");
      }
    }
    for (String fragment : fragments) {
      scrubbed = scrubbed.replace(fragment, "***");
    }
    return scrubbed;
  }

  /**
   * Tokens are long and random; short or all-lower-case words ({@code robot}, {@code send}, {@code services},
   * {@code open-apis}) are left alone so that vendor messages such as "send too fast" stay readable.
   */
  private static boolean mayBeCredential(String part) {
    return part.length() >= 8 && !part.matches("[a-z/_-]+");
  }

  @Override
  public String toString() {
    return host();
  }
}

package io.leakguard.detector.scan;

import java.util.Locale;

/**
 * What the key name of a value says it is, so that pairing follows structure rather than distance alone: the name
 * written before the value on its line ({@code AccessKeySecret: …}, {@code setAccessKeySecret("…")},
 * {@code "access_key_secret": "…"}), or, for a value element or a {@code "value"} field, the name given just before
 * it ({@code <name>fs.oss.accessKeySecret</name><value>…</value>} on one line or two, a Postman variable's
 * {@code {"key": "accessKeySecret", "value": "…"}}).
 */
final class KeyNames {

  /** A name that says secret, one that says something else (a password, a token), or none worth reading. */
  enum Kind { SECRET, OTHER, NONE }

  private static final int LOOKBACK = 48;
  private static final int NAME_MAX = 64;
  /**
   * Names of other credentials and of other keys (a cache key, a partition key, an encryption key) and digests: a
   * 30-character value named so is not an AccessKey secret.
   */
  private static final String[] OTHER_NAMES = {"password", "passwd", "pwd", "token", "salt", "hash", "signature",
      "nonce", "cookie", "session", "apikey", "api_key", "api-key", "webhook", "license", "checksum", "digest",
      "uuid", "guid", "trace", "request", "correlation", "etag", "md5", "sha1", "sha256", "fingerprint", "cache",
      "partition", "primary", "foreign", "idempot", "encrypt", "private", "public", "crypto", "hmac", "jwt", "csrf",
      "xsrf", "bearer", "refresh"};
  /**
   * What owns a secret other than an AccessKey: a web framework's session or cookie secret, a webhook's or a token's
   * signing secret, an OAuth client's or consumer's, a one-time-password seed, an app's ({@code SESSION_SECRET},
   * {@code webhook_secret}, {@code client_secret}, {@code APP_SECRET}). Named with {@code access} as well, the
   * secret is an AccessKey's ({@code session_access_key_secret}).
   */
  private static final String[] OTHER_SECRETS = {"session", "cookie", "webhook", "jwt", "csrf", "xsrf", "hmac",
      "signing", "client", "consumer", "oauth", "otp", "mfa", "encrypt"};
  /** Names that only introduce the value, whose real name comes before. */
  private static final String[] VALUE_NAMES = {"value", "val", "v", "data"};

  private KeyNames() {}

  /**
   * What a value's {@code name} (from {@link #name}, null if unnamed) says it is, for pairing with an ID named
   * {@code idName}. When the ID is given as a user name ({@code <username>}, {@code user:}), as the OSS Maven wagon,
   * Jenkins and Docker-style logins take an AccessKey pair, the password beside it is its secret.
   */
  static Kind of(String name, String idName) {
    if (name == null) {
      return Kind.NONE;
    }
    if (idName != null && isUserName(idName) && isPasswordName(name)) {
      return Kind.SECRET;
    }
    return classify(name);
  }

  private static boolean isUserName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals("username") || lower.equals("user") || lower.equals("user_name") || lower.equals("login");
  }

  private static boolean isPasswordName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals("password") || lower.equals("passwd") || lower.equals("pwd");
  }

  /** The name of the value at {@code valueStart}: written before it, or given before a value element; or null. */
  static String name(String text, int valueStart) {
    String name = nameBefore(text, valueStart);
    if (name == null || isCredential(name)) {
      return null;
    }
    for (String generic : VALUE_NAMES) {
      if (name.equalsIgnoreCase(generic)) {
        return givenName(text, valueStart);
      }
    }
    return name;
  }

  /**
   * What a credential's name says beyond being an ID or a secret: {@code oss} for {@code OSS_ACCESS_KEY_ID} and
   * {@code OSS_ACCESS_KEY_SECRET}, {@code fsoss} for {@code fs.oss.accessKeyId}; empty for a bare
   * {@code access_key_id}, and null for no name. An ID and a secret of one family belong together.
   */
  static String family(String name) {
    if (name == null) {
      return null;
    }
    String value = fold(name);
    for (String suffix : CREDENTIAL_SUFFIXES) {
      if (value.endsWith(suffix)) {
        return value.substring(0, value.length() - suffix.length());
      }
    }
    return value;
  }

  /** Whether a name says AccessKey secret in so many words: {@code accessKeySecret}, {@code SECRET_ACCESS_KEY}. */
  static boolean saysAccessKeySecret(String name) {
    return name != null && containsAny(fold(name), ACCESS_KEY_SECRET_NAMES);
  }

  private static final String[] ACCESS_KEY_SECRET_NAMES = {"accesskeysecret", "secretaccesskey", "accesssecret"};

  /** A name's letters and digits, in lower case: {@code fs.oss.accessKeyId} is {@code fsossaccesskeyid}. */
  private static String fold(String name) {
    StringBuilder folded = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Chars.isAlnum(c)) {
        folded.append(Character.toLowerCase(c));
      }
    }
    return folded.toString();
  }

  private static boolean containsAny(String value, String[] words) {
    for (String word : words) {
      if (value.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** The endings that say ID or secret, longest first so that {@code accesskeyid} goes whole. */
  private static final String[] CREDENTIAL_SUFFIXES = {"secretaccesskey", "accesskeysecret", "accesskeyid",
      "accesssecret", "secretkey", "accesskey", "accessid", "keysecret", "keyid", "secret", "akid", "ak", "sk", "id"};

  private static Kind classify(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.contains("secret") || lower.equals("sk") || lower.endsWith("_sk") || lower.endsWith(".sk")
        || lower.endsWith("-sk") || lower.endsWith("aksk")) {
      return isOtherSecret(lower) ? Kind.OTHER : Kind.SECRET;
    }
    if (containsAny(lower, OTHER_NAMES)) {
      return Kind.OTHER;
    }
    // An identifier (requestId, trace_id, accessKeyId itself): a 30-character value so named is not a secret.
    return lower.endsWith("id") ? Kind.OTHER : Kind.NONE;
  }

  private static boolean isOtherSecret(String lower) {
    // An app's secret (API Gateway's AppKey and AppSecret, DingTalk's and WeChat's app-secret) too, in any spelling.
    return !lower.contains("access") && (containsAny(lower, OTHER_SECRETS) || fold(lower).contains("appsecret"));
  }

  /**
   * The identifier just before the value on its line, across what separates a name from its value: quotes, blanks,
   * {@code :}, {@code =}, {@code =>}, {@code >} of an element, {@code (} of a call, {@code ,}, and those escaped
   * ({@code %3D}, {@code =3D}, &#92;u0022, {@code &quot;}); null if none.
   */
  private static String nameBefore(String text, int valueStart) {
    int floor = Math.max(0, valueStart - LOOKBACK);
    int i = valueStart;
    while (i > floor) {
      int escape = KeyShapes.codedCharacterStart(text, i);
      if (escape < i) {
        i = escape; // an escaped separator (%3D, =3D, \u0022, &quot;)
      } else if (" \t\"'`:=>(,[{".indexOf(text.charAt(i - 1)) >= 0) {
        i--;
      } else {
        break;
      }
    }
    int end = i;
    while (i > floor && isNameChar(text.charAt(i - 1))) {
      i--;
    }
    return end > i ? text.substring(i, end) : null;
  }

  /**
   * The name given before a value element or field, on its line or the one before: the text of a {@code <name>} or
   * {@code <key>} element, or of a {@code "key"} or {@code "name"} field.
   */
  private static String givenName(String text, int valueStart) {
    int lineStart = text.lastIndexOf('\n', valueStart - 1) + 1;
    int from = lineStart > 0 ? text.lastIndexOf('\n', lineStart - 2) + 1 : lineStart;
    String before = text.substring(Math.max(from, valueStart - 4 * NAME_MAX), valueStart);
    for (String element : new String[] {"name>", "key>", "Name>", "Key>"}) {
      int open = before.lastIndexOf("<" + element);
      if (open >= 0) {
        int close = before.indexOf("</", open);
        return close > open ? before.substring(open + element.length() + 1, close).trim() : null;
      }
    }
    for (String field : new String[] {"\"key\"", "\"name\"", "'key'", "'name'"}) {
      int at = before.lastIndexOf(field);
      if (at >= 0) {
        int open = at + field.length();
        while (open < before.length() && " \t:=".indexOf(before.charAt(open)) >= 0) {
          open++;
        }
        if (open < before.length() && (before.charAt(open) == '"' || before.charAt(open) == '\'')) {
          int close = before.indexOf(before.charAt(open), open + 1);
          return close > open ? before.substring(open + 1, close) : null;
        }
      }
    }
    return null;
  }

  /**
   * Whether what stands before a value is another credential rather than its name: the ID of {@code ID SECRET} or
   * {@code ID,SECRET}, or a random token with digits (a name is words). Read as a name, a random ID would now and
   * then hold {@code id} or {@code pwd} and hide the secret after it.
   */
  private static boolean isCredential(String name) {
    if (name.startsWith(KeyShapes.LTAI) || name.startsWith(KeyShapes.STS)) {
      return true;
    }
    if (name.length() < RANDOM_NAME_MIN || name.chars().noneMatch(Character::isDigit)
        || !name.chars().allMatch(c -> Chars.isAlnum((char) c))) {
      return false;
    }
    return io.leakguard.schemas.KeyPlausibility.isRandomLooking(name, 0, name.length());
  }

  private static final int RANDOM_NAME_MIN = 16;

  private static boolean isNameChar(char c) {
    return Chars.isAlnum(c) || c == '_' || c == '-' || c == '.';
  }
}

package io.leakguard.cloud;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The accounts LeakGuard acts in. With no members, LeakGuard acts only in the account its own credentials belong to
 * (the home account). Each member names the RAM role LeakGuard assumes there; the role must trust the home
 * account's LeakGuard identity.
 *
 * @param members         member account ID to role ARN
 * @param sessionName     the session name of assumed roles
 * @param sessionDuration how long an assumed-role session lasts
 */
public record FleetSettings(Map<String, String> members, String sessionName, Duration sessionDuration) {

  private static final Pattern ACCOUNT = Pattern.compile("\\d{16}");
  private static final Pattern ROLE_ARN = Pattern.compile("acs:ram::(\\d{16}):role/[A-Za-z0-9.@\\-]{1,64}");

  public FleetSettings {
    members = Map.copyOf(members);
    if (sessionDuration.compareTo(Duration.ofMinutes(15)) < 0 || sessionDuration.compareTo(Duration.ofHours(12)) > 0) {
      throw new IllegalArgumentException("assumed-role sessions last from 15 minutes to 12 hours, not " + sessionDuration);
    }
  }

  public static FleetSettings single() {
    return new FleetSettings(Map.of(), "leakguard", Duration.ofHours(1));
  }

  /** Parses {@code 1000000000000002=acs:ram::1000000000000002:role/leakguard,...}. */
  public static FleetSettings parse(String text, String sessionName, Duration sessionDuration) {
    Map<String, String> members = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("'" + trimmed + "' is not accountId=roleArn");
      }
      String account = trimmed.substring(0, eq).trim();
      String role = trimmed.substring(eq + 1).trim();
      if (!ACCOUNT.matcher(account).matches()) {
        throw new IllegalArgumentException("'" + account + "' is not a 16-digit account ID");
      }
      var arn = ROLE_ARN.matcher(role);
      if (!arn.matches() || !arn.group(1).equals(account)) {
        throw new IllegalArgumentException("'" + role + "' is not a role ARN of account " + account
            + " (acs:ram::" + account + ":role/NAME)");
      }
      if (members.put(account, role) != null) {
        throw new IllegalArgumentException("account " + account + " is listed twice");
      }
    }
    return new FleetSettings(members, sessionName, sessionDuration);
  }
}

package io.leakguard.deploy;

import io.leakguard.cloud.RandomCredentials;
import java.util.List;
import java.util.Map;

/**
 * The demo organization the local stack seeds into the emulator: one account, LeakGuard's own operator user with a
 * least-privilege custom policy, the custom policies of the services' RRSA roles ({@link RrsaIdentities}), and three
 * application users with one key each. All keys are generated per run.
 */
record DemoFleet(String accountId, Key operator, Key enricher, Map<String, Key> users) {

  /** A generated key pair. The secret never leaves this process except into the emulator and a child's env. */
  record Key(String accessKeyId, String accessKeySecret) {
    static Key generate() {
      return new Key(RandomCredentials.accessKeyId(), RandomCredentials.secret());
    }

    @Override
    public String toString() {
      return "Key[" + accessKeyId + ", secret redacted]";
    }
  }

  static final String OPERATOR = "leakguard-remediator";
  static final String ENRICHER = "leakguard-enricher";
  static final List<String> USERS = List.of("alice", "bob", "carol");

  /**
   * The remediator's least privilege: find owners, rotate and disable keys, write secrets, read back which key a
   * secret holds (crash recovery), neutralize roles. Nothing else.
   */
  static final String REMEDIATOR_POLICY = policy("remediator");

  /** The enricher's least privilege: read users, keys and the audit trail. Nothing that changes anything. */
  static final String ENRICHER_POLICY = policy("enricher");

  /**
   * The bridge's least privilege: read Security Center's AccessKey-leak records and their detail, mark a record
   * handled, assume member roles. Nothing in RAM or KMS.
   */
  static final String BRIDGE_POLICY = policy("bridge");

  /**
   * The permissions of the role LeakGuard assumes in each member account of a fleet: what the remediator, the
   * enricher and the bridge do there (all three assume the same role, {@code cloud.fleet}).
   */
  static final String MEMBER_ROLE_POLICY = policy("member-role");

  /**
   * The trust policy of a member account's LeakGuard role: it trusts the home account, whose identities also need
   * {@code sts:AssumeRole} on the role (their own documents grant it).
   */
  static String memberRoleTrustPolicy(String homeAccountId) {
    return policy("member-role-trust").replace("${homeAccountId}", homeAccountId);
  }

  /**
   * A service's RAM policy document, {@code deploy/ram/<service>.json} (packaged as a resource): the one file that
   * says what the service may do, used by the local stack, the demo and the tests alike.
   */
  static String policy(String service) {
    String resource = "/io/leakguard/deploy/ram/" + service + ".json";
    try (java.io.InputStream in = DemoFleet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no RAM policy " + resource + " in the deploy jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static DemoFleet generate() {
    Map<String, Key> users = new java.util.LinkedHashMap<>();
    USERS.forEach(user -> users.put(user, Key.generate()));
    return new DemoFleet(RandomCredentials.accountId(), Key.generate(), Key.generate(), Map.copyOf(users));
  }

  /** The e-mail address of a demo user, as the emulator holds it: where the notifier writes to its owner. */
  static String email(String user) {
    return user + "@example.com";
  }

  Key user(String name) {
    return users.get(name);
  }

  /** The fleet in the emulator's seed format. */
  String toFleetJson() {
    StringBuilder users = new StringBuilder();
    for (String name : USERS) {
      Key key = this.users.get(name);
      users.append(",{\"userName\":\"").append(name).append("\",\"displayName\":\"")
          .append(Character.toUpperCase(name.charAt(0))).append(name.substring(1))
          .append("\",\"email\":\"").append(email(name)).append("\",\"accessKeys\":[")
          .append(keyJson(key)).append("]}");
    }
    return """
        {"accounts":[{"accountId":"%s","alias":"demo",
          "policies":[{"policyName":"LeakGuardRemediator","description":"least privilege of the remediator",
                       "policyDocument":%s},
                      {"policyName":"LeakGuardEnricher","description":"least privilege of the enricher",
                       "policyDocument":%s},
                      {"policyName":"LeakGuardBridge","description":"least privilege of the bridge",
                       "policyDocument":%s}],
          "users":[{"userName":"%s","displayName":"LeakGuard remediator","accessKeys":[%s],
                    "policies":[{"policyName":"LeakGuardRemediator","policyType":"Custom"}]},
                   {"userName":"%s","displayName":"LeakGuard enricher","accessKeys":[%s],
                    "policies":[{"policyName":"LeakGuardEnricher","policyType":"Custom"}]}%s]}]}
        """.formatted(accountId, REMEDIATOR_POLICY, ENRICHER_POLICY, BRIDGE_POLICY, OPERATOR, keyJson(operator),
        ENRICHER, keyJson(enricher), users);
  }

  private static String keyJson(Key key) {
    return "{\"accessKeyId\":\"" + key.accessKeyId() + "\",\"accessKeySecret\":\"" + key.accessKeySecret() + "\"}";
  }
}

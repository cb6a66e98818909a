package io.leakguard.bridge.securitycenter;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.emulator.CloudState;
import io.leakguard.emulator.Emulator;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An emulated fleet for the Security Center parts: a home account whose LeakGuard user may assume the member roles,
 * two members whose {@code leakguard} role may read and handle leak records, and one whose role may not. Each member
 * has a user with a key to report leaks of. Every key is generated per instance.
 */
final class SasFleet implements AutoCloseable {

  static final String SAS_POLICY = """
      {"Version":"1","Statement":[{"Effect":"Allow","Action":["yundun-aegis:DescribeAccesskeyLeakList",
        "yundun-sas:DescribeAccessKeyLeakDetail","yundun-sas:ModifyAccessKeyLeakDeal"],"Resource":"*"}]}""";

  final Emulator emulator;
  final String home = SyntheticKeys.accountId();
  final String member1 = SyntheticKeys.accountId();
  final String member2 = SyntheticKeys.accountId();
  final String denied = SyntheticKeys.accountId();
  final Map<String, String> leakedKeys = new LinkedHashMap<>();
  private final String operatorId = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();

  SasFleet() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.Builder seed = TestFleet.account(home)
        .policy("AssumeMemberRoles", """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
              "Resource":"acs:ram::*:role/leakguard"}]}""")
        .user("leakguard", u -> u.key(operatorId, operatorSecret).customPolicy("AssumeMemberRoles"))
        .and();
    for (String account : new String[] {member1, member2, denied}) {
      String key = SyntheticKeys.accessKeyId();
      leakedKeys.put(account, key);
      TestFleet.Account member = seed.account(account).policy("LeakGuardSas", SAS_POLICY)
          .user("dev", u -> u.key(key, SyntheticKeys.secret()));
      member.role("leakguard", r -> {
        r.trustAccount(home);
        if (!account.equals(denied)) {
          r.customPolicy("LeakGuardSas");
        }
      });
    }
    seed.seed(emulator);
  }

  /** LeakGuard's fleet as the bridge builds it from {@code cloud.fleet}. */
  CloudFleet cloudFleet() {
    Map<String, String> members = new LinkedHashMap<>();
    for (String account : new String[] {member1, member2, denied}) {
      members.put(account, "acs:ram::" + account + ":role/leakguard");
    }
    return CloudFleet.with(CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        new FleetSettings(members, "leakguard-bridge", Duration.ofHours(1)),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  /** Security Center finds the account's key at {@code url}; returns the record's ID. */
  long leak(String account, String url) {
    return emulator.state().reportLeak(new CloudState.LeakReport(null, leakedKeys.get(account), "GitHub", url,
        "someone", "someone/app", "settings.py", "Python")).id();
  }

  /** Lets the denied account's role read and handle leak records too. */
  void grantDenied() {
    TestFleet.account(denied).role("leakguard", r -> r.trustAccount(home).customPolicy("LeakGuardSas"))
        .seed(emulator);
  }

  @Override
  public void close() {
    emulator.close();
  }
}

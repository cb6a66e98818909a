package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.SecurityCenterGateway.DealType;
import io.leakguard.cloud.SecurityCenterGateway.LeakPage;
import io.leakguard.cloud.SecurityCenterGateway.Status;
import io.leakguard.emulator.CloudState;
import io.leakguard.config.ConfigLoader;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Security Center's leak records through CommonRequest, the caller's retries and the endpoint override. */
class SecurityCenterGatewayTest {

  private final String account = SyntheticKeys.accountId();
  private final String rootKey = SyntheticKeys.accessKeyId();
  private final String rootSecret = SyntheticKeys.secret();
  private final String readerKey = SyntheticKeys.accessKeyId();
  private final String readerSecret = SyntheticKeys.secret();
  private final String leakedKey = SyntheticKeys.accessKeyId();
  private Emulator emulator;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account).rootKey(rootKey, rootSecret)
        .policy("SasListOnly", """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"yundun-aegis:DescribeAccesskeyLeakList",
             "Resource":"*"}]}""")
        .user("reader", u -> u.key(readerKey, readerSecret).customPolicy("SasListOnly"))
        .user("alice", u -> u.key(leakedKey, SyntheticKeys.secret()))
        .seed(emulator);
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  private SecurityCenterGateway gateway(String key, String secret, CloudSettings settings) {
    return AlibabaCloud.with(settings, new StaticCredentialsProvider(new BasicCredentials(key, secret)))
        .securityCenter();
  }

  private CloudSettings onlySas() {
    // Only Security Center is pointed at the emulator: the override is per product.
    return new CloudSettings("cn-hangzhou", Map.of(Product.SAS, URI.create(emulator.endpoint())),
        java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10), 3, java.time.Duration.ofMillis(10),
        java.time.Duration.ofMillis(50), 0);
  }

  private long report(String url) {
    return emulator.state().reportLeak(new CloudState.LeakReport(null, leakedKey, "GitHub", url, "someone",
        "someone/app", "app.py", "Python")).id();
  }

  @Test
  void shouldPageListAndDealThroughTheEndpointOverride() throws Exception {
    // Given three pending leaks
    long first = report("https://github.com/someone/app/blob/main/a.py");
    report("https://github.com/someone/app/blob/main/b.py");
    report("https://github.com/someone/app/blob/main/c.py");
    SecurityCenterGateway sas = gateway(rootKey, rootSecret, onlySas());

    // When the pages are read two by two
    LeakPage one = sas.leaks(Status.PENDING, null, 1, 2);
    LeakPage two = sas.leaks(Status.PENDING, null, 2, 2);

    // Then
    assertEquals(3, one.totalCount());
    assertEquals(2, one.leaks().size());
    assertEquals(1, two.leaks().size());
    assertEquals(leakedKey, one.leaks().get(0).accessKeyId());
    assertEquals("pending", one.leaks().get(0).dealType());
    assertTrue(one.leaks().get(0).gmtModified() > 0);
    assertEquals("someone/app", sas.detail(first).githubRepoName());

    // When the first is handled, it lists as dealed
    sas.deal(first, DealType.MANUAL, "LeakGuard incident i-1: key rotated");
    sas.deal(first, DealType.MANUAL, "again");
    LeakPage dealed = sas.leaks(Status.DEALED, null, 1, 100);
    assertEquals(List.of(first), dealed.leaks().stream().map(SecurityCenterGateway.LeakSummary::id).toList());
    assertEquals("manual", dealed.leaks().get(0).dealType());
    assertEquals("LeakGuard incident i-1: key rotated", sas.detail(first).remark());
    long startTs = dealed.leaks().get(0).gmtModified();
    assertEquals(2, sas.leaks(Status.PENDING, startTs, 1, 100).totalCount());
  }

  @Test
  void shouldClassifyDeniedAndNotFound() throws Exception {
    long id = report("https://github.com/x");
    SecurityCenterGateway reader = gateway(readerKey, readerSecret, onlySas());

    assertEquals(1, reader.leaks(null, null, 1, 20).totalCount());
    CloudException denied = assertThrows(CloudException.class, () -> reader.deal(id, DealType.MANUAL, null));
    assertEquals(CloudErrorClass.DENIED, denied.errorClass());
    CloudException missing = assertThrows(CloudException.class,
        () -> gateway(rootKey, rootSecret, onlySas()).deal(id + 1000, DealType.MANUAL, null));
    assertEquals(CloudErrorClass.NOT_FOUND, missing.errorClass());
  }

  @Test
  void shouldRetryThrottlingAndServerErrors() throws Exception {
    report("https://github.com/x");
    // Given Security Center throttles the first call and fails the second
    emulator.faults().configure(new Faults.Config(null, List.of(
        new Faults.Rule("Sas:DescribeAccesskeyLeakList", null, "Throttling.User", 400, null, 1),
        new Faults.Rule("Sas:DescribeAccesskeyLeakList", null, "ServerError", 500, null, 1)), null));

    // Then the third attempt answers
    assertEquals(1, gateway(rootKey, rootSecret, onlySas()).leaks(null, null, 1, 20).totalCount());
  }

  @Test
  void shouldTakeTheSasEndpointFromItsOwnOption() {
    var settings = CloudOptions.settings(new ConfigLoader(CloudOptions.ALL)
        .load(Map.of(), List.of("--cloud.endpoint.sas=http://127.0.0.1:18080")));
    assertEquals(URI.create("http://127.0.0.1:18080"), settings.endpoint(Product.SAS).orElseThrow());
    assertTrue(settings.endpoint(Product.RAM).isEmpty());
  }
}

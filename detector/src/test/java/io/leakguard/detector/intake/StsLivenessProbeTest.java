package io.leakguard.detector.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.ActionTrailGateway.TrailEvent;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.Secret;
import io.leakguard.emulator.Emulator;
import io.leakguard.schemas.ProbeResult;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The liveness probe against the emulator over HTTP: what each answer of STS means, and that the probe's own call
 * is recognizable in the key's ActionTrail (its User-Agent), so the enricher does not take it for the key's use.
 */
class StsLivenessProbeTest {

  private final String account = SyntheticKeys.accountId();
  private final String rootId = SyntheticKeys.accessKeyId();
  private final String rootSecret = SyntheticKeys.secret();
  private final String aliceId = SyntheticKeys.accessKeyId();
  private final String aliceSecret = SyntheticKeys.secret();
  private Emulator emulator;
  private StsLivenessProbe probe;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account).rootKey(rootId, rootSecret).user("alice", u -> u.key(aliceId, aliceSecret))
        .seed(emulator);
    probe = new StsLivenessProbe(settings());
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  private CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  @Test
  void shouldTellALivePairAWrongSecretAndAnUnknownKeyApart() {
    LivenessProbe.Liveness live = probe.probe(aliceId, new Secret(aliceSecret), null);
    LivenessProbe.Liveness wrong = probe.probe(aliceId, new Secret(SyntheticKeys.secret()), null);
    LivenessProbe.Liveness unknown = probe.probe(SyntheticKeys.accessKeyId(), new Secret(SyntheticKeys.secret()), null);

    assertEquals(ProbeResult.PAIR_VALID, live.result());
    assertEquals("acs:ram::" + account + ":user/alice", live.identity().getArn());
    assertEquals(ProbeResult.SECRET_WRONG, wrong.result());
    assertEquals(ProbeResult.KEY_NOT_FOUND, unknown.result());
  }

  @Test
  void shouldMarkItsOwnCallInTheKeysTrail() throws Exception {
    Instant before = Instant.now().minus(Duration.ofMinutes(1));
    try (AlibabaCloud app = AlibabaCloud.with(settings(),
        new StaticCredentialsProvider(new BasicCredentials(aliceId, aliceSecret)))) {
      app.sts().callerIdentity();  // the key's owner, an ordinary SDK call
    }

    probe.probe(aliceId, new Secret(aliceSecret), null);

    List<TrailEvent> events;
    try (AlibabaCloud root = AlibabaCloud.with(settings(),
        new StaticCredentialsProvider(new BasicCredentials(rootId, rootSecret)))) {
      events = root.actionTrail().eventsOfAccessKey(aliceId, before, Instant.now().plusSeconds(5), 10);
    }
    assertEquals(2, events.size(), events.toString());
    // newest first: the probe, then the application
    assertTrue(events.get(0).isLeakGuardProbe(), events.get(0).userAgent());
    assertTrue(events.get(0).userAgent().contains("LeakGuardProbe/1"), events.get(0).userAgent());
    assertFalse(events.get(1).isLeakGuardProbe(), events.get(1).userAgent());
  }
}

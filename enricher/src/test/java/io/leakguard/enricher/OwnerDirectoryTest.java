package io.leakguard.enricher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.emulator.Emulator;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OwnerDirectoryTest {

  private final String account = SyntheticKeys.accountId();
  private final String operatorId = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();
  private Emulator emulator;
  private CloudFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account)
        .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("AdministratorAccess"))
        .seed(emulator);
    fleet = CloudFleet.with(CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        FleetSettings.single(), new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    emulator.close();
  }

  @Test
  void shouldAnswerAHundredUnknownKeysWithOneWalk() throws Exception {
    try (OwnerDirectory directory = new OwnerDirectory(fleet, Duration.ofMinutes(10), Clock.systemUTC())) {
      // Given a hundred lookups of keys no account owns, sighted now
      Instant now = Instant.now();
      List<CompletableFuture<OwnerDirectory.Lookup>> lookups = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        lookups.add(directory.find(SyntheticKeys.accessKeyId(), now));
      }

      // Then every one is answered "not found", conclusively, by a single walk
      for (CompletableFuture<OwnerDirectory.Lookup> lookup : lookups) {
        OwnerDirectory.Lookup answer = lookup.get(30, TimeUnit.SECONDS);
        assertTrue(answer.owner().isEmpty());
        assertFalse(answer.inconclusive());
      }
      assertEquals(1, directory.walks());
      // and a later lookup of a key sighted before that walk costs nothing
      assertTrue(directory.find(SyntheticKeys.accessKeyId(), now).get(30, TimeUnit.SECONDS).owner().isEmpty());
      assertEquals(1, directory.walks());
    }
  }

  @Test
  void shouldFindAKeyCreatedAfterTheLastWalkWithTheNextOne() throws Exception {
    try (OwnerDirectory directory = new OwnerDirectory(fleet, Duration.ZERO, Clock.systemUTC())) {
      directory.walkAfter(Instant.now()).get(30, TimeUnit.SECONDS);

      // Given a user's key created after the last walk
      String bobKey = SyntheticKeys.accessKeyId();
      TestFleet.account(account).user("bob", u -> u.key(bobKey, SyntheticKeys.secret())).seed(emulator);

      // When it is sighted, then the lookup waits for a new walk and finds bob
      OwnerDirectory.Lookup answer = directory.find(bobKey, Instant.now()).get(30, TimeUnit.SECONDS);
      assertEquals("bob", answer.owner().orElseThrow().user().userName());
      assertEquals(2, directory.walks());
    }
  }
}

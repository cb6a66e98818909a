package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.PersistenceAction;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.Severity;
import io.leakguard.testkit.SyntheticKeys;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalsTest {

  private static final String ACCOUNT = "1000000000000001";

  private static RemediationJournal journal(String incident, Severity severity, int persistence, List<String> used,
      List<String> suspicious) {
    return journal(incident, severity, persistence, used, suspicious, List.of());
  }

  private static RemediationJournal journal(String incident, Severity severity, int persistence, List<String> used,
      List<String> suspicious, List<String> privileges) {
    List<PersistenceAction> actions = new java.util.ArrayList<>();
    for (int i = 0; i < persistence; i++) {
      actions.add(PersistenceAction.newBuilder().setEventId(incident + i).setEventName("CreateAccessKey")
          .setEventTime(Instant.now()).setSourceIp("192.0.2." + (i + 1)).setActorAccessKeyId("LTAI-actor")
          .setAccountId(ACCOUNT).build());
    }
    LeakEnriched leak = LeakEnriched.newBuilder(Leaks.ownedBy(incident, SyntheticKeys.accessKeyId(), ACCOUNT, "alice"))
        .setSeverity(severity).setPersistence(actions).setUsedFromIps(used).setSuspiciousIps(suspicious)
        .setOwnerPrivileges(privileges).build();
    return Journals.open(leak, RemediationPolicy.builtIn(), Instant.now());
  }

  @Test
  void shouldOrderAStormByRiskNotArrival() {
    List<RemediationJournal> arrived = List.of(journal("dead", Severity.LOW, 0, List.of(), List.of()),
        journal("unknown", Severity.MEDIUM, 0, List.of(), List.of()),
        journal("live", Severity.HIGH, 0, List.of(), List.of()),
        journal("used-by-attacker", Severity.CRITICAL, 0, List.of(), List.of()),
        journal("made-a-way-back", Severity.CRITICAL, 3, List.of(), List.of()));

    List<String> order = arrived.stream().sorted(Comparator.comparingInt(Journals::risk).reversed())
        .map(RemediationJournal::getIncidentId).toList();

    assertEquals(List.of("made-a-way-back", "used-by-attacker", "live", "unknown", "dead"), order);
  }

  @Test
  void shouldTakeAdminLevelOwnersFirstWithinASeverity() {
    List<String> admin = List.of("System:AdministratorAccess via group Ops");
    List<RemediationJournal> arrived = List.of(journal("live", Severity.HIGH, 0, List.of(), List.of()),
        journal("live-with-persistence", Severity.CRITICAL, 5, List.of(), List.of()),
        journal("live-admin", Severity.HIGH, 0, List.of(), List.of(), admin),
        journal("dead-admin", Severity.LOW, 0, List.of(), List.of(), admin),
        journal("used-admin", Severity.CRITICAL, 0, List.of(), List.of(), admin));

    List<String> order = arrived.stream().sorted(Comparator.comparingInt(Journals::risk).reversed())
        .map(RemediationJournal::getIncidentId).toList();

    assertEquals(List.of("used-admin", "live-with-persistence", "live-admin", "live", "dead-admin"), order);
    assertEquals(admin, arrived.get(2).getOwnerPrivileges());
  }

  @Test
  void shouldKnowOnlyTheAddressesUsedBeforeTheLeak() {
    // 192.0.2.1 made the persistence, 203.0.113.66 used the key only after the leak, a hostname is not an address
    RemediationJournal j = journal("ips", Severity.CRITICAL, 1, List.of("198.51.100.7", "192.0.2.1", "203.0.113.66",
        "internal.example"), List.of("203.0.113.66"));

    assertEquals(List.of("198.51.100.7"), j.getKnownIps());
    assertEquals("restrict", j.getContainment());
    assertTrue(Journals.risk(j) > 3000);
  }
}

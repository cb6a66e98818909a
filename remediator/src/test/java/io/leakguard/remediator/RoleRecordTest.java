package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoleRecordTest {

  @Test
  void shouldReadBackExactlyTheRoleItRecorded() {
    // Given a role with two policies
    RoleRecord record = new RoleRecord("300000000000000001", "app-reader", "{\"Version\":\"1\"}", "reads RAM", 7200,
        List.of("System:AliyunRAMReadOnlyAccess", "Custom:app-kms"));

    // When it is written and read again, then nothing is lost
    assertEquals(record, RoleRecord.parse(record.toJson()));
  }

  @Test
  void shouldKeepAnEmptyPolicyListAndAMissingDescription() {
    RoleRecord record = new RoleRecord("300000000000000002", "bare", "{}", null, 3600, List.of());

    RoleRecord read = RoleRecord.parse(record.toJson());

    assertEquals(List.of(), read.policies());
    assertNull(read.description());
    assertEquals(record, read);
  }

  @Test
  void shouldDefaultTheSessionDurationOfARecordWithoutOne() {
    RoleRecord read = RoleRecord.parse("{\"roleId\":\"1\",\"roleName\":\"r\",\"trustPolicy\":\"{}\",\"policies\":[]}");

    assertEquals(3600, read.maxSessionDuration());
  }

  @Test
  void shouldRefuseARecordThatIsNotJson() {
    assertThrows(IllegalStateException.class, () -> RoleRecord.parse("not json"));
  }

  @Test
  void shouldKeepEachRoleInItsOwnSecretPerAccount() {
    assertEquals("leakguard/1000000000000001/roles/app", RoleRecord.secretName("1000000000000001", "app"));
  }
}

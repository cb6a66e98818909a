package io.leakguard.enricher;

import io.leakguard.cloud.ActionTrailGateway.TrailEvent;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a leaked key did, judged against the moment of the leak: addresses that used it after the leak and never
 * before are suspicious, and write events that create persistence are listed.
 *
 * @param lastUsedAt        the key's last use, or null
 * @param ips               every address that used the key
 * @param services          every service the key called
 * @param suspiciousIps     addresses new after the leak
 * @param persistenceEvents persistence-creating write events, described
 */
public record Activity(Instant lastUsedAt, List<String> ips, List<String> services, List<String> suspiciousIps,
    List<String> persistenceEvents) {

  /** Write events an attacker uses to stay in after the leaked key is gone. */
  static final Set<String> PERSISTENCE = Set.of("CreateAccessKey", "CreateUser", "CreateLoginProfile",
      "UpdateLoginProfile", "AttachPolicyToUser", "AttachPolicyToRole", "AttachPolicyToGroup", "AddUserToGroup",
      "CreateRole", "UpdateRole", "CreatePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "RunInstances",
      "CreateInstance", "CreateSecret", "PutSecretValue", "UpdateAccessKey", "CreateVirtualMFADevice");

  static Activity of(List<TrailEvent> events, Instant leakedAt) {
    Set<String> before = new LinkedHashSet<>();
    Set<String> all = new LinkedHashSet<>();
    Set<String> services = new LinkedHashSet<>();
    Set<String> after = new LinkedHashSet<>();
    List<String> persistence = new java.util.ArrayList<>();
    Instant last = null;
    for (TrailEvent event : events) {
      if (event.sourceIpAddress() != null) {
        all.add(event.sourceIpAddress());
        if (event.eventTime() != null && event.eventTime().isBefore(leakedAt)) {
          before.add(event.sourceIpAddress());
        } else {
          after.add(event.sourceIpAddress());
        }
      }
      if (event.serviceName() != null) {
        services.add(event.serviceName());
      }
      if (event.eventTime() != null && (last == null || event.eventTime().isAfter(last))) {
        last = event.eventTime();
      }
      if (PERSISTENCE.contains(event.eventName()) && event.errorCode() == null
          && (event.eventTime() == null || !event.eventTime().isBefore(leakedAt))) {
        persistence.add(event.eventName() + " at " + event.eventTime() + " from " + event.sourceIpAddress());
      }
    }
    after.removeAll(before);
    return new Activity(last, List.copyOf(all), List.copyOf(services), List.copyOf(after), List.copyOf(persistence));
  }

  static Activity none() {
    return new Activity(null, List.of(), List.of(), List.of(), List.of());
  }
}

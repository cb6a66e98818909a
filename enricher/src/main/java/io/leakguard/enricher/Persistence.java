package io.leakguard.enricher;

import io.leakguard.cloud.ActionTrailGateway.TrailEvent;
import io.leakguard.schemas.PersistenceAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a credential created or changed that can give an attacker a way back in once the leaked key is gone, read from
 * its successful ActionTrail write events: the persistence sweep's input. Each event becomes one
 * {@link PersistenceAction} naming its target from the event's {@code requestParameters} and, for what a call created,
 * its {@code responseElements} (the new AccessKey's ID, an assumed role's session key: both followed, since what they
 * did is the leaked key's doing too).
 */
final class Persistence {

  /** RAM and STS actions that create or widen access; AssumeRole is a pivot whose session is followed. */
  static final Set<String> RAM = Set.of("CreateAccessKey", "UpdateAccessKey", "CreateUser", "CreateLoginProfile",
      "UpdateLoginProfile", "AttachPolicyToUser", "AttachPolicyToRole", "AttachPolicyToGroup", "AddUserToGroup",
      "CreateRole", "UpdateRole", "CreatePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion",
      "CreateVirtualMFADevice", "AssumeRole");
  /** ECS actions that run code or add machines: reported, never undone by default. */
  static final Set<String> ECS = Set.of("RunCommand", "InvokeCommand", "CreateCommand", "RunInstances",
      "CreateInstance");
  /** KMS actions that plant or replace a secret applications read. */
  static final Set<String> KMS = Set.of("CreateSecret", "PutSecretValue");

  private Persistence() {}

  /**
   * The persistence among {@code events} signed by {@code actor} in {@code account}: successful writes at or after
   * {@code since}, in trail order (oldest first).
   */
  static List<PersistenceAction> of(List<TrailEvent> events, String actor, String account, Instant since) {
    List<PersistenceAction> found = new ArrayList<>();
    for (TrailEvent event : events) {
      String name = event.eventName();
      if (name == null || event.errorCode() != null || !(RAM.contains(name) || ECS.contains(name)
          || KMS.contains(name)) || (event.eventTime() != null && event.eventTime().isBefore(since))) {
        continue;
      }
      PersistenceAction.Builder action = PersistenceAction.newBuilder()
          .setEventId(event.eventId() == null ? name + "@" + event.eventTime() : event.eventId())
          .setEventName(name)
          .setEventTime(event.eventTime())
          .setSourceIp(event.sourceIpAddress())
          .setAccountId(event.accountId() != null ? event.accountId() : account)
          .setActorAccessKeyId(actor)
          .setUserName(event.parameter("UserName"))
          .setPolicyType(event.parameter("PolicyType"))
          .setPolicyName(event.parameter("PolicyName"))
          .setGroupName(event.parameter("GroupName"))
          .setRoleName(event.parameter("RoleName"));
      switch (name) {
        case "CreateAccessKey" -> {
          action.setCreatedAccessKeyId(event.response("AccessKey", "AccessKeyId"));
          if (action.getUserName() == null) {
            // No UserName: the key was created for the caller itself, the leaked key's own user.
            action.setUserName(event.userName());
          }
        }
        case "UpdateAccessKey" -> action.setCreatedAccessKeyId(event.parameter("UserAccessKeyId"));
        case "AssumeRole" -> {
          action.setCreatedAccessKeyId(event.response("Credentials", "AccessKeyId"));
          action.setRoleName(roleName(event.parameter("RoleArn")));
          action.setResource(event.parameter("RoleArn") == null ? null : "RoleArn=" + event.parameter("RoleArn"));
        }
        default -> action.setResource(firstOf(event, "InstanceId", "CommandId", "InstanceName", "Name",
            "SecretName", "VirtualMFADeviceName"));
      }
      found.add(action.build());
    }
    found.sort(java.util.Comparator.comparing(PersistenceAction::getEventTime,
        java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
    return found;
  }

  /** A credential an action created, and the account whose trail holds what it did. */
  record Created(String accessKeyId, String accountId) {}

  /**
   * The credentials the actions created whose own calls are the leaked key's doing too: new AccessKeys (in the
   * account they were created in) and STS sessions (in the assumed role's account).
   */
  static List<Created> createdCredentials(List<PersistenceAction> actions) {
    List<Created> created = new ArrayList<>();
    for (PersistenceAction action : actions) {
      if (action.getCreatedAccessKeyId() == null) {
        continue;
      }
      if (action.getEventName().equals("CreateAccessKey")) {
        created.add(new Created(action.getCreatedAccessKeyId(), action.getAccountId()));
      } else if (action.getEventName().equals("AssumeRole")) {
        String arn = action.getResource() == null ? null : action.getResource().substring("RoleArn=".length());
        String account = accountOfRoleArn(arn);
        created.add(new Created(action.getCreatedAccessKeyId(), account != null ? account : action.getAccountId()));
      }
    }
    return created;
  }

  /** The account of {@code acs:ram::<account>:role/<name>}, or null. */
  static String accountOfRoleArn(String arn) {
    if (arn == null || !arn.startsWith("acs:ram::")) {
      return null;
    }
    int end = arn.indexOf(':', "acs:ram::".length());
    return end < 0 ? null : arn.substring("acs:ram::".length(), end);
  }

  /** One line for people: what, when, from where, by which key. */
  static String describe(PersistenceAction action) {
    return action.getEventName() + " at " + action.getEventTime() + " from " + action.getSourceIp();
  }

  private static String roleName(String arn) {
    if (arn == null) {
      return null;
    }
    int slash = arn.lastIndexOf('/');
    return slash < 0 ? arn : arn.substring(slash + 1);
  }

  private static String firstOf(TrailEvent event, String... names) {
    for (String name : names) {
      String value = event.parameter(name);
      if (value != null) {
        return name + "=" + value;
      }
    }
    return null;
  }
}

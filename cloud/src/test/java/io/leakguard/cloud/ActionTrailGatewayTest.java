package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import io.leakguard.cloud.ActionTrailGateway.TrailEvent;
import io.leakguard.emulator.Emulator;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a leaked key did, read back from the emulator's audit trail through the real SDK. */
class ActionTrailGatewayTest {

  private final String account = SyntheticKeys.accountId();
  private final String rootKey = SyntheticKeys.accessKeyId();
  private final String rootSecret = SyntheticKeys.secret();
  private final String leakedKey = SyntheticKeys.accessKeyId();
  private final String leakedSecret = SyntheticKeys.secret();
  private Emulator emulator;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account).rootKey(rootKey, rootSecret)
        .user("alice", u -> u.key(leakedKey, leakedSecret).systemPolicy("ReadOnlyAccess"))
        .seed(emulator);
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  private CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  @Test
  void shouldListTheCallsOfALeakedKeyWithTheAttackersAddress() throws Exception {
    // Given an attacker calls RAM with the leaked key from 203.0.113.7
    Instant start = Instant.now().minusSeconds(5);
    CloudCaller attacker = new CloudCaller(settings(),
        new StaticCredentialsProvider(new BasicCredentials(leakedKey, leakedSecret)));
    for (int i = 0; i < 3; i++) {
      ListUsersRequest request = new ListUsersRequest();
      request.putHeaderParameter("X-Forwarded-For", "203.0.113.7");
      attacker.call(Product.RAM, request);
    }

    // When the security side looks the key up in ActionTrail
    ActionTrailGateway trail = AlibabaCloud.with(settings(),
        new StaticCredentialsProvider(new BasicCredentials(rootKey, rootSecret))).actionTrail();
    List<TrailEvent> events = trail.eventsOfAccessKey(leakedKey, start, Instant.now(), 100);

    // Then it sees each call, from that address, signed by alice's key
    assertEquals(3, events.size());
    assertTrue(events.stream().allMatch(e -> e.eventName().equals("ListUsers")
        && "203.0.113.7".equals(e.sourceIpAddress()) && leakedKey.equals(e.accessKeyId())), events.toString());
    assertTrue(trail.lastUse(leakedKey).isPresent());
    assertTrue(trail.usedServices(leakedKey).stream().anyMatch(s -> s.equalsIgnoreCase("ram")),
        trail.usedServices(leakedKey).toString());
  }

  @Test
  void shouldPageThroughMoreEventsThanOnePageHolds() throws Exception {
    Instant start = Instant.now().minusSeconds(5);
    CloudCaller user = new CloudCaller(settings(),
        new StaticCredentialsProvider(new BasicCredentials(leakedKey, leakedSecret)));
    for (int i = 0; i < ActionTrailGateway.PAGE + 7; i++) {
      user.call(Product.RAM, new ListUsersRequest());
    }

    ActionTrailGateway trail = AlibabaCloud.with(settings(),
        new StaticCredentialsProvider(new BasicCredentials(rootKey, rootSecret))).actionTrail();

    assertEquals(ActionTrailGateway.PAGE + 7, trail.eventsOfAccessKey(leakedKey, start, Instant.now(), 500).size());
    assertEquals(20, trail.eventsOfAccessKey(leakedKey, start, Instant.now(), 20).size());
  }

  @Test
  void shouldShowWhatAWriteCreatedWithoutItsSecrets() throws Exception {
    // Given an admin's leaked key used from 198.51.100.9 to create a user with a console password, give it
    // AdministratorAccess and an AccessKey
    String adminKey = SyntheticKeys.accessKeyId();
    String adminSecret = SyntheticKeys.secret();
    TestFleet.account(account).user("ops", u -> u.key(adminKey, adminSecret).systemPolicy("AdministratorAccess"))
        .seed(emulator);
    Instant start = Instant.now().minusSeconds(5);
    CloudCaller attacker = new CloudCaller(settings(),
        new StaticCredentialsProvider(new BasicCredentials(adminKey, adminSecret)));
    String password = "Pw-" + SyntheticKeys.secret().substring(0, 20);
    var createUser = new com.aliyuncs.ram.model.v20150501.CreateUserRequest();
    createUser.setUserName("backdoor");
    var login = new com.aliyuncs.ram.model.v20150501.CreateLoginProfileRequest();
    login.setUserName("backdoor");
    login.setPassword(password);
    var attach = new com.aliyuncs.ram.model.v20150501.AttachPolicyToUserRequest();
    attach.setUserName("backdoor");
    attach.setPolicyType("System");
    attach.setPolicyName("AdministratorAccess");
    var createKey = new com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest();
    createKey.setUserName("backdoor");
    for (var request : List.<com.aliyuncs.RpcAcsRequest<?>>of(createUser, login, attach, createKey)) {
      request.putHeaderParameter("X-Forwarded-For", "198.51.100.9");
    }
    attacker.call(Product.RAM, createUser);
    attacker.call(Product.RAM, login);
    attacker.call(Product.RAM, attach);
    var created = attacker.call(Product.RAM, createKey).getAccessKey();

    // When the events of the leaked key are read
    List<TrailEvent> events = AlibabaCloud.with(settings(),
        new StaticCredentialsProvider(new BasicCredentials(rootKey, rootSecret))).actionTrail()
        .eventsOfAccessKey(adminKey, start, Instant.now(), 100);

    // Then each names its target in requestParameters, the new key's ID is in responseElements, and neither the
    // password nor the new secret is anywhere in them
    assertEquals(List.of("CreateAccessKey", "AttachPolicyToUser", "CreateLoginProfile", "CreateUser"),
        events.stream().map(TrailEvent::eventName).toList());
    assertTrue(events.stream().allMatch(e -> "backdoor".equals(e.parameter("UserName"))
        && "198.51.100.9".equals(e.sourceIpAddress()) && account.equals(e.accountId())), events.toString());
    assertEquals(created.getAccessKeyId(), events.get(0).response("AccessKey", "AccessKeyId"));
    assertEquals("AdministratorAccess", events.get(1).parameter("PolicyName"));
    assertEquals("backdoor", events.get(2).response("LoginProfile", "UserName"));
    assertTrue(!events.toString().contains(password) && !events.toString().contains(created.getAccessKeySecret()),
        "a secret reached the trail");
    assertTrue(emulator.state().snapshot().users().stream().anyMatch(u -> u.userName().equals("backdoor")
        && u.consoleLogin() && u.policies().contains("System:AdministratorAccess")));
  }
}

package io.leakguard.emulator;

import com.aliyuncs.IAcsClient;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedEventsRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedEventsResponse;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedInfoRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedInfoResponse;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedIpsRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedIpsResponse;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedProductsRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedProductsResponse;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedResourcesRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedResourcesResponse;
import com.aliyuncs.actiontrail.model.v20200706.LookupEventsRequest;
import com.aliyuncs.actiontrail.model.v20200706.LookupEventsResponse;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.ram.model.v20150501.DeleteAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.GetUserRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ActionTrail answered from the calls the emulator served, including a leaked-key scenario. */
class ActionTrailTest {

    private static final String ATTACKER_IP = "203.0.113.66";

    private final MutableClock clock = new MutableClock();
    private final TestCloud cloud = new TestCloud(clock);

    ActionTrailTest() {
        cloud.emulator.state().seedJson("""
                {"accounts":[{"accountId":"%s","users":[{"userName":"bob","policies":[{"policyName":"AliyunRAMReadOnlyAccess"}]}]}]}
                """.formatted(TestCloud.ACCOUNT));
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    /** LookupEvents is limited to 2 calls per second: each lookup moves the clock on by one second first. */
    private LookupEventsResponse lookup(String key, String value, String maxResults, String nextToken)
            throws ClientException {
        clock.advance(Duration.ofSeconds(1));
        LookupEventsRequest request = new LookupEventsRequest();
        if (key != null) {
            LookupEventsRequest.LookupAttribute attribute = new LookupEventsRequest.LookupAttribute();
            attribute.setKey(key);
            attribute.setValue(value);
            request.setLookupAttributes(List.of(attribute));
        }
        request.setMaxResults(maxResults);
        request.setNextToken(nextToken);
        return cloud.call(cloud.root, request);
    }

    private <T extends com.aliyuncs.AcsResponse> T asAttacker(IAcsClient client, com.aliyuncs.AcsRequest<T> request)
            throws ClientException {
        request.putHeaderParameter("X-Forwarded-For", ATTACKER_IP);
        return cloud.call(client, request);
    }

    @Test
    void shouldTraceLeakedKeyUseFromAnotherAddressAndRefuseItAfterDeletion() throws ClientException {
        // Given bob works normally, and an attacker uses bob's leaked key from elsewhere
        cloud.call(cloud.bob, new ListUsersRequest());
        IAcsClient attacker = cloud.client(cloud.bob);
        asAttacker(attacker, new GetCallerIdentityRequest());
        asAttacker(attacker, new ListUsersRequest());
        GetUserRequest probe = new GetUserRequest();
        probe.setUserName("alice");
        asAttacker(attacker, probe);

        // When the account looks the key up in ActionTrail
        List<Map<Object, Object>> events = lookup("EventAccessKeyId", cloud.bob.id(), null, null).getEvents();

        // Then every use shows, newest first, with the attacker's address on the attacker's calls
        assertEquals(List.of("GetUser", "ListUsers", "GetCallerIdentity", "ListUsers"),
                events.stream().map(e -> e.get("eventName")).toList());
        assertEquals(List.of(ATTACKER_IP, ATTACKER_IP, ATTACKER_IP, "127.0.0.1"),
                events.stream().map(e -> e.get("sourceIpAddress")).toList());
        Map<?, ?> identity = (Map<?, ?>) events.get(0).get("userIdentity");
        assertEquals(cloud.bob.id(), identity.get("accessKeyId"));
        assertEquals("bob", identity.get("userName"));
        assertEquals("ram-user", identity.get("type"));
        assertEquals(TestCloud.ACCOUNT, identity.get("accountId"));
        assertEquals("Ram", events.get(0).get("serviceName"));
        assertEquals("Read", events.get(0).get("eventRW"));
        Map<?, ?> parameters = (Map<?, ?>) events.get(0).get("requestParameters");
        assertEquals("alice", parameters.get("UserName"));
        assertFalse(parameters.containsKey("Signature"));

        // When root deletes the key, then the attacker's next call is refused, and the attempt is on record
        DeleteAccessKeyRequest delete = new DeleteAccessKeyRequest();
        delete.setUserName("bob");
        delete.setUserAccessKeyId(cloud.bob.id());
        cloud.call(cloud.root, delete);
        ClientException refused = org.junit.jupiter.api.Assertions.assertThrows(ClientException.class,
                () -> asAttacker(attacker, new ListUsersRequest()));
        assertEquals("InvalidAccessKeyId.NotFound", refused.getErrCode());
        Map<Object, Object> attempt = lookup("EventAccessKeyId", cloud.bob.id(), "1", null).getEvents().get(0);
        assertEquals("InvalidAccessKeyId.NotFound", attempt.get("errorCode"));
        assertEquals(ATTACKER_IP, attempt.get("sourceIpAddress"));
    }

    @Test
    void shouldRecordFailuresWithTheirErrorCode() throws ClientException {
        cloud.failure(cloud.bob, new com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest());

        Map<Object, Object> event = lookup("EventName", "CreateAccessKey", null, null).getEvents().get(0);

        assertEquals("NoPermission", event.get("errorCode"));
        assertEquals("Write", event.get("eventRW"));
    }

    @Test
    void shouldPageWithNextToken() throws ClientException {
        // Given five calls by bob
        for (int i = 0; i < 5; i++) {
            cloud.call(cloud.bob, new GetCallerIdentityRequest());
        }

        // When reading two at a time
        Set<Object> ids = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String token = null;
        do {
            LookupEventsResponse page = lookup("EventAccessKeyId", cloud.bob.id(), "2", token);
            page.getEvents().forEach(e -> ids.add(e.get("eventId")));
            sizes.add(page.getEvents().size());
            token = page.getNextToken();
        } while (token != null);

        // Then every event came exactly once
        assertEquals(List.of(2, 2, 1), sizes);
        assertEquals(5, ids.size());
    }

    @Test
    void shouldFilterByTimeWindow() throws ClientException {
        // Given one call, ten minutes of quiet (the SDK's Timestamp must stay within 15 minutes), then another
        cloud.call(cloud.bob, new GetCallerIdentityRequest());
        clock.advance(Duration.ofMinutes(10));
        Instant windowStart = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        cloud.call(cloud.bob, new ListUsersRequest());

        // When
        LookupEventsRequest request = new LookupEventsRequest();
        request.setStartTime(windowStart.toString());
        request.setEndTime(windowStart.plusSeconds(60).toString());
        LookupEventsRequest.LookupAttribute attribute = new LookupEventsRequest.LookupAttribute();
        attribute.setKey("User");
        attribute.setValue("bob");
        request.setLookupAttributes(List.of(attribute));
        List<Map<Object, Object>> events = cloud.call(cloud.root, request).getEvents();

        // Then
        assertEquals(List.of("ListUsers"), events.stream().map(e -> e.get("eventName")).toList());
    }

    @Test
    void shouldRefuseMoreThanFiftyResultsAndUnknownKeys() {
        LookupEventsRequest tooMany = new LookupEventsRequest();
        tooMany.setMaxResults("51");
        LookupEventsRequest unknownKey = new LookupEventsRequest();
        LookupEventsRequest.LookupAttribute attribute = new LookupEventsRequest.LookupAttribute();
        attribute.setKey("AccessKeyId");
        attribute.setValue("x");
        unknownKey.setLookupAttributes(List.of(attribute));

        assertEquals("InvalidParameter.MaxResults", cloud.failure(cloud.root, tooMany).getErrCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("InvalidParameter.LookupAttribute.Key", cloud.failure(cloud.root, unknownKey).getErrCode());
    }

    @Test
    void shouldThrottleLookupEventsAboveTwoPerSecond() throws ClientException {
        LookupEventsRequest request = new LookupEventsRequest();
        cloud.call(cloud.root, request);
        cloud.call(cloud.root, request);

        assertEquals("Throttling.User", cloud.failure(cloud.root, request).getErrCode());
        clock.advance(Duration.ofSeconds(1));
        cloud.call(cloud.root, request);
    }

    @Test
    void shouldComputeLastUsedInfoFromRecordedCalls() throws ClientException {
        // Given bob used RAM from two addresses, then STS
        cloud.call(cloud.bob, new ListUsersRequest());
        GetUserRequest getUser = new GetUserRequest();
        getUser.setUserName("alice");
        asAttacker(cloud.client(cloud.bob), getUser);
        clock.advance(Duration.ofSeconds(5));
        cloud.call(cloud.bob, new GetCallerIdentityRequest());

        // When
        GetAccessKeyLastUsedInfoRequest info = new GetAccessKeyLastUsedInfoRequest();
        info.setAccessKey(cloud.bob.id());
        GetAccessKeyLastUsedInfoResponse infoResponse = cloud.call(cloud.root, info);
        GetAccessKeyLastUsedProductsRequest products = new GetAccessKeyLastUsedProductsRequest();
        products.setAccessKey(cloud.bob.id());
        GetAccessKeyLastUsedProductsResponse productsResponse = cloud.call(cloud.root, products);
        GetAccessKeyLastUsedIpsRequest ips = new GetAccessKeyLastUsedIpsRequest();
        ips.setAccessKey(cloud.bob.id());
        ips.setServiceName("ram");
        GetAccessKeyLastUsedIpsResponse ipsResponse = cloud.call(cloud.root, ips);
        GetAccessKeyLastUsedEventsRequest events = new GetAccessKeyLastUsedEventsRequest();
        events.setAccessKey(cloud.bob.id());
        events.setServiceName("Ram");
        GetAccessKeyLastUsedEventsResponse eventsResponse = cloud.call(cloud.root, events);
        GetAccessKeyLastUsedResourcesRequest resources = new GetAccessKeyLastUsedResourcesRequest();
        resources.setAccessKey(cloud.bob.id());
        resources.setServiceName("Ram");
        GetAccessKeyLastUsedResourcesResponse resourcesResponse = cloud.call(cloud.root, resources);

        // Then
        assertEquals("bob", infoResponse.getUserName());
        assertEquals("ram-user", infoResponse.getAccountType());
        assertEquals("sts", infoResponse.getServiceName());
        assertEquals(clock.millis() / 1000, infoResponse.getUsedTimestamp() / 1000);
        assertTrue(infoResponse.getDetail().contains("\"eventName\":\"GetCallerIdentity\""));
        assertEquals(List.of("sts", "ram"), productsResponse.getProducts().stream()
                .map(GetAccessKeyLastUsedProductsResponse.ProductsItem::getServiceName).toList());
        assertEquals(List.of(ATTACKER_IP, "127.0.0.1"), ipsResponse.getIps().stream()
                .map(GetAccessKeyLastUsedIpsResponse.IpsItem::getIp).toList());
        assertNull(ipsResponse.getNextToken());
        assertEquals(List.of("GetUser", "ListUsers"), eventsResponse.getEvents().stream()
                .map(GetAccessKeyLastUsedEventsResponse.EventsItem::getEventName).toList());
        assertEquals("alice", resourcesResponse.getResources().get(0).getResourceName());
        assertEquals("ACS::RAM::User", resourcesResponse.getResources().get(0).getResourceType());
    }

    @Test
    void shouldRefuseLastUsedInfoForKeyOfAnotherAccount() {
        GetAccessKeyLastUsedInfoRequest info = new GetAccessKeyLastUsedInfoRequest();
        info.setAccessKey(TestCloud.newKey().id());

        assertEquals("EntityNotExist.AccessKey", cloud.failure(cloud.root, info).getErrCode());
    }
}

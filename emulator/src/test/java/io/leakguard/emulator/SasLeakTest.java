package io.leakguard.emulator;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security Center's AccessKey-leak calls over real HTTP with the SDK's {@code CommonRequest} (the V1 core SDK has no
 * Sas request classes). Parameters and fields as documented:
 * https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-describeaccesskeyleaklist
 * https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-describeaccesskeyleakdetail
 * https://www.alibabacloud.com/help/en/security-center/latest/api-doc-sas-2018-12-03-api-doc-modifyaccesskeyleakdeal
 */
class SasLeakTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock();
    private final TestCloud cloud = new TestCloud(clock);

    @AfterEach
    void stop() {
        cloud.close();
    }

    private JsonNode call(TestCloud.Key key, String action, Map<String, String> params) throws Exception {
        return call(cloud.client(key), action, params);
    }

    private JsonNode call(IAcsClient client, String action, Map<String, String> params) throws Exception {
        CommonRequest request = new CommonRequest();
        request.setSysMethod(MethodType.POST);
        request.setSysDomain(cloud.emulator.hostPort());
        request.setSysProtocol(ProtocolType.HTTP);
        request.setSysProduct("Sas");
        request.setSysVersion("2018-12-03");
        request.setSysAction(action);
        params.forEach(request::putQueryParameter);
        CommonResponse response = client.getCommonResponse(request);
        return Json.MAPPER.readTree(response.getData());
    }

    private ClientException failure(TestCloud.Key key, String action, Map<String, String> params) {
        return assertThrows(ClientException.class, () -> call(key, action, params));
    }

    private long report(String accessKeyId, String url) {
        return cloud.emulator.state().reportLeak(new CloudState.LeakReport(null, accessKeyId, "GitHub", url,
                "someone", "someone/app", "config.py", "Python")).id();
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.path("AccessKeyLeakList").forEach(item -> ids.add(item.path("Id").asLong()));
        return ids;
    }

    @Test
    void shouldPageThroughLeakRecordsOfTheCallersAccountOnly() throws Exception {
        // Given five leaks of bob's key in the account and one in another account
        List<Long> reported = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reported.add(report(cloud.bob.id(), "https://github.com/someone/app/blob/main/config" + i + ".py"));
        }
        TestCloud.Key stranger = TestCloud.newKey();
        cloud.emulator.state().seed(new Fleet(List.of(new Fleet.AccountSeed(TestCloud.OTHER_ACCOUNT,
                List.of(stranger.seed()), List.of()))));
        report(stranger.id(), "https://github.com/elsewhere");

        // When alice lists them two by two
        JsonNode first = call(cloud.alice, "DescribeAccesskeyLeakList", Map.of("PageSize", "2", "CurrentPage", "1"));
        JsonNode third = call(cloud.alice, "DescribeAccesskeyLeakList", Map.of("PageSize", "2", "CurrentPage", "3"));
        JsonNode beyond = call(cloud.alice, "DescribeAccesskeyLeakList", Map.of("PageSize", "2", "CurrentPage", "4"));

        // Then the pages cover the account's five records and nothing else, with the documented members
        assertEquals(5, first.path("TotalCount").asInt());
        assertEquals(5, first.path("AkLeakCount").asInt());
        assertEquals(2, first.path("PageSize").asInt());
        assertEquals(1, first.path("CurrentPage").asInt());
        assertTrue(first.path("RequestId").isTextual());
        assertEquals(reported.subList(0, 2), ids(first));
        assertEquals(reported.subList(4, 5), ids(third));
        assertTrue(beyond.path("AccessKeyLeakList").isArray());
        assertEquals(0, beyond.path("AccessKeyLeakList").size());
        JsonNode item = first.path("AccessKeyLeakList").get(0);
        assertEquals(cloud.bob.id(), item.path("AccesskeyId").asText());
        assertEquals("AccessKey", item.path("Type").asText());
        assertEquals("pending", item.path("Status").asText());
        assertEquals("pending", item.path("DealType").asText());
        assertEquals("ram", item.path("UserType").asText());
        assertEquals("https://github.com/someone/app/blob/main/config0.py", item.path("Url").asText());
        assertTrue(item.path("GmtModified").isIntegralNumber(), "the list's GmtModified is epoch milliseconds");
    }

    @Test
    void shouldDefaultToTwentyAndRefuseMoreThanAHundredPerPage() throws Exception {
        for (int i = 0; i < 21; i++) {
            report(cloud.bob.id(), "https://github.com/someone/app/" + i);
        }

        assertEquals(20, call(cloud.alice, "DescribeAccesskeyLeakList", Map.of()).path("AccessKeyLeakList").size());
        assertEquals("InvalidParameter.PageSize",
                failure(cloud.alice, "DescribeAccesskeyLeakList", Map.of("PageSize", "101")).getErrCode());
        assertEquals("InvalidParameter.Status",
                failure(cloud.alice, "DescribeAccesskeyLeakList", Map.of("Status", "open")).getErrCode());
        assertEquals("InvalidParameter.StartTs",
                failure(cloud.alice, "DescribeAccesskeyLeakList", Map.of("StartTs", "yesterday")).getErrCode());
    }

    @Test
    void shouldFilterByStatusQueryAndStartTs() throws Exception {
        // Given a leak of bob's key, then ten minutes later one of alice's key (the clock stays within the SDK
        // Timestamp's 15-minute window)
        long early = report(cloud.bob.id(), "https://github.com/a");
        clock.advance(Duration.ofMinutes(10));
        long later = report(cloud.alice.id(), "https://github.com/b");
        long laterTs = call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Query", cloud.alice.id()))
                .path("AccessKeyLeakList").get(0).path("GmtModified").asLong();

        // Then Query matches the exact key, StartTs keeps leaks first seen at or after it
        assertEquals(List.of(early), ids(call(cloud.root, "DescribeAccesskeyLeakList",
                Map.of("Query", cloud.bob.id()))));
        assertEquals(List.of(), ids(call(cloud.root, "DescribeAccesskeyLeakList",
                Map.of("Query", cloud.bob.id().substring(0, 10)))));
        assertEquals(List.of(later), ids(call(cloud.root, "DescribeAccesskeyLeakList",
                Map.of("StartTs", Long.toString(laterTs)))));
        assertEquals(List.of(), ids(call(cloud.root, "DescribeAccesskeyLeakList",
                Map.of("StartTs", Long.toString(laterTs + 1000)))));

        // When the early one is handled, Status separates them
        call(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("Id", Long.toString(early), "Type", "manual"));
        assertEquals(List.of(later), ids(call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Status", "pending"))));
        JsonNode dealed = call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Status", "dealed"));
        assertEquals(List.of(early), ids(dealed));
        assertEquals(1, dealed.path("AkLeakCount").asInt());
    }

    @Test
    void shouldMarkLeakHandledWithTypeAndRemarkAndStayIdempotent() throws Exception {
        long id = report(cloud.bob.id(), "https://github.com/a");
        clock.advance(Duration.ofMinutes(5));

        // When alice handles it, twice
        call(cloud.alice, "ModifyAccessKeyLeakDeal", Map.of("Id", Long.toString(id), "Type", "manual",
                "Remark", "LeakGuard incident 42: key rotated"));
        call(cloud.alice, "ModifyAccessKeyLeakDeal", Map.of("Id", Long.toString(id), "Type", "disable"));

        // Then it lists as dealed the first way, and the detail tells the same
        JsonNode item = call(cloud.alice, "DescribeAccesskeyLeakList", Map.of("Status", "dealed"))
                .path("AccessKeyLeakList").get(0);
        assertEquals("dealed", item.path("Status").asText());
        assertEquals("manual", item.path("DealType").asText());
        assertTrue(item.path("DealTime").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
        JsonNode detail = call(cloud.alice, "DescribeAccessKeyLeakDetail", Map.of("Id", Long.toString(id)));
        assertEquals("LeakGuard incident 42: key rotated", detail.path("Remark").asText());
        assertEquals("GitHub", detail.path("Source").asText());
        assertEquals("someone/app", detail.path("GithubRepoName").asText());
        assertEquals("config.py", detail.path("GithubFileName").asText());
        assertEquals("no", detail.path("WhitelistStatus").asText());
        assertTrue(detail.path("GmtModified").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
    }

    @Test
    void shouldWhitelistAndAcceptIdList() throws Exception {
        long a = report(cloud.bob.id(), "https://github.com/a");
        long b = report(cloud.bob.id(), "https://github.com/b");

        call(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("IdList", "[" + a + "," + b + "]", "Type", "add-whitelist"));

        assertEquals("yes", call(cloud.root, "DescribeAccessKeyLeakDetail", Map.of("Id", Long.toString(b)))
                .path("WhitelistStatus").asText());
        assertEquals(0, call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Status", "pending"))
                .path("TotalCount").asInt());
    }

    @Test
    void shouldRefuseUnknownIdsAndBadDealParameters() throws Exception {
        long id = report(cloud.bob.id(), "https://github.com/a");

        ClientException unknown = failure(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("Id", "999999", "Type", "manual"));
        assertEquals("DataNotExist", unknown.getErrCode());
        assertEquals("DataNotExist", failure(cloud.root, "DescribeAccessKeyLeakDetail", Map.of("Id", "999999"))
                .getErrCode());
        assertEquals("MissingParameter",
                failure(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("Id", Long.toString(id))).getErrCode());
        assertEquals("InvalidParameter.Type", failure(cloud.root, "ModifyAccessKeyLeakDeal",
                Map.of("Id", Long.toString(id), "Type", "ignore")).getErrCode());
        assertEquals("MissingParameter", failure(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("Type", "manual"))
                .getErrCode());
        // A partly unknown IdList changes nothing.
        failure(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("IdList", "[" + id + ",999999]", "Type", "manual"));
        assertEquals(1, call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Status", "pending"))
                .path("TotalCount").asInt());
    }

    @Test
    void shouldNotShowAnotherAccountsRecord() throws Exception {
        TestCloud.Key stranger = TestCloud.newKey();
        cloud.emulator.state().seed(new Fleet(List.of(new Fleet.AccountSeed(TestCloud.OTHER_ACCOUNT,
                List.of(stranger.seed()), List.of()))));
        long theirs = report(stranger.id(), "https://github.com/elsewhere");

        assertEquals("DataNotExist", failure(cloud.root, "ModifyAccessKeyLeakDeal",
                Map.of("Id", Long.toString(theirs), "Type", "manual")).getErrCode());
        assertEquals(1, call(stranger, "DescribeAccesskeyLeakList", Map.of("Status", "pending"))
                .path("TotalCount").asInt());
    }

    @Test
    void shouldAuthorizeWithTheDocumentedRamActions() throws Exception {
        long id = report(cloud.bob.id(), "https://github.com/a");
        // Without any policy bob may do nothing
        assertEquals("NoPermission", failure(cloud.bob, "DescribeAccesskeyLeakList", Map.of()).getErrCode());
        assertEquals("NoPermission", failure(cloud.bob, "DescribeAccessKeyLeakDetail",
                Map.of("Id", Long.toString(id))).getErrCode());

        // Given bob may list (the yundun-aegis namespace) and read details, but not handle records
        cloud.emulator.state().seedJson("""
                {"accounts":[{"accountId":"%s",
                  "policies":[{"policyName":"SasRead","policyDocument":{"Version":"1","Statement":[{"Effect":"Allow",
                    "Action":["yundun-aegis:DescribeAccesskeyLeakList","yundun-sas:DescribeAccessKeyLeakDetail"],
                    "Resource":"*"}]}}],
                  "users":[{"userName":"bob","policies":[{"policyName":"SasRead","policyType":"Custom"}]}]}]}
                """.formatted(TestCloud.ACCOUNT));

        assertEquals(1, call(cloud.bob, "DescribeAccesskeyLeakList", Map.of()).path("TotalCount").asInt());
        call(cloud.bob, "DescribeAccessKeyLeakDetail", Map.of("Id", Long.toString(id)));
        ClientException denied = failure(cloud.bob, "ModifyAccessKeyLeakDeal",
                Map.of("Id", Long.toString(id), "Type", "manual"));
        assertEquals("NoPermission", denied.getErrCode());
    }

    @Test
    void shouldRecordALeakWhenAKeyIsMarkedExposedAndThroughTheAdminApi() throws Exception {
        // When bob's key is marked exposed, with where it was found, twice, and a leak is reported explicitly
        HttpResponse<String> exposed = admin("/admin/keys/" + cloud.bob.id() + "/exposed",
                "{\"exposed\":true,\"url\":\"https://github.com/someone/app/blob/main/a.py\","
                        + "\"githubRepoName\":\"someone/app\"}");
        admin("/admin/keys/" + cloud.bob.id() + "/exposed",
                "{\"url\":\"https://github.com/someone/app/blob/main/a.py\"}");
        HttpResponse<String> explicit = admin("/admin/security-center/leaks",
                "{\"accessKeyId\":\"" + cloud.alice.id() + "\",\"source\":\"GitHub\",\"url\":\"https://github.com/b\"}");

        // Then the account has two pending records: the same key and URL seen again is one record
        assertEquals(200, exposed.statusCode());
        assertEquals(200, explicit.statusCode(), explicit.body());
        JsonNode list = call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Status", "pending"));
        assertEquals(2, list.path("TotalCount").asInt());
        assertEquals(400, admin("/admin/security-center/leaks", "{\"accessKeyId\":\"LTAInoSuchKey0000\"}")
                .statusCode());
        HttpResponse<String> all = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint()
                        + "/admin/security-center/leaks?accountId=" + TestCloud.ACCOUNT))
                .header("Authorization", "Bearer " + cloud.emulator.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(2, Json.MAPPER.readTree(all.body()).path("securityCenterLeaks").size());
    }

    @Test
    void shouldKeepLeakRecordsAcrossSaveAndLoad(@TempDir Path dir) throws Exception {
        // Given a handled and a pending record
        long handled = report(cloud.bob.id(), "https://github.com/a");
        long pending = report(cloud.bob.id(), "https://github.com/b");
        call(cloud.root, "ModifyAccessKeyLeakDeal", Map.of("Id", Long.toString(handled), "Type", "manual",
                "Remark", "done"));
        Path file = dir.resolve("state.json");
        cloud.emulator.saveState(file);

        // When the state is cleared and loaded back
        cloud.emulator.state().restore(new Fleet(List.of()));
        cloud.emulator.loadState(file);

        // Then both records are back, and a new record gets a new ID
        assertEquals(List.of(handled), ids(call(cloud.root, "DescribeAccesskeyLeakList", Map.of("Status", "dealed"))));
        assertEquals("done", call(cloud.root, "DescribeAccessKeyLeakDetail", Map.of("Id", Long.toString(handled)))
                .path("Remark").asText());
        long next = report(cloud.bob.id(), "https://github.com/c");
        assertEquals(3, call(cloud.root, "DescribeAccesskeyLeakList", Map.of()).path("TotalCount").asInt());
        assertTrue(next > pending, "IDs are not reused after a load");
    }

    private HttpResponse<String> admin(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint() + path))
                .header("Authorization", "Bearer " + cloud.emulator.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

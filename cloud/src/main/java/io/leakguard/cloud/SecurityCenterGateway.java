package io.leakguard.cloud;

import com.aliyuncs.CommonRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Security Center's AccessKey-leak records (product {@code Sas}, version 2018-12-03), through the core SDK's
 * {@link CommonRequest} and the account's {@link CloudCaller} (retries, throttling, rate limits). The endpoint is
 * {@value #DEFAULT_ENDPOINT} unless {@code cloud.endpoint.sas} (or {@code cloud.endpoint}) overrides it.
 *
 * <ul>
 *   <li>https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-describeaccesskeyleaklist
 *       (RAM action {@code yundun-aegis:DescribeAccesskeyLeakList})</li>
 *   <li>https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-describeaccesskeyleakdetail
 *       ({@code yundun-sas:DescribeAccessKeyLeakDetail})</li>
 *   <li>https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-modifyaccesskeyleakdeal
 *       ({@code yundun-sas:ModifyAccessKeyLeakDeal})</li>
 * </ul>
 */
public final class SecurityCenterGateway {

  /** Security Center's central endpoint. */
  public static final String DEFAULT_ENDPOINT = "tds.aliyuncs.com";
  /** The most records one list page may hold. */
  public static final int MAX_PAGE_SIZE = 100;

  /** Whether a record is handled. */
  public enum Status {
    PENDING("pending"), DEALED("dealed");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** How a record is handled ({@code ModifyAccessKeyLeakDeal}'s {@code Type}). */
  public enum DealType {
    MANUAL("manual"), DISABLE("disable"), ADD_WHITELIST("add-whitelist");

    private final String wire;

    DealType(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /**
   * One item of the list.
   *
   * @param gmtModified the first detection, epoch milliseconds, as the list returns it
   * @param dealType    {@code pending} until handled, then how
   */
  public record LeakSummary(long id, String accessKeyId, String type, String url, String asset, String status,
      String dealType, String dealTime, long gmtModified, String userType) {}

  /** One page of the list. */
  public record LeakPage(int currentPage, int pageSize, int totalCount, List<LeakSummary> leaks) {}

  /**
   * The detail of one record.
   *
   * @param gmtModified the latest detection, {@code yyyy-MM-dd HH:mm:ss}
   */
  public record LeakDetail(String type, String accessKeyId, String source, String githubUser, String githubRepoName,
      String githubFileName, String gmtModified, String dealTime, String whitelistStatus, String asset,
      String remark) {}

  private final CloudCaller caller;

  public SecurityCenterGateway(CloudCaller caller) {
    this.caller = caller;
  }

  /**
   * One page of the account's leak records.
   *
   * @param status   only records in this state, or all when null
   * @param startTs  only records first detected at or after this epoch millisecond, or all when null
   * @param page     1-based page number
   * @param pageSize 1 to {@value #MAX_PAGE_SIZE}
   */
  public LeakPage leaks(Status status, Long startTs, int page, int pageSize) throws CloudException {
    if (page < 1 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page must be at least 1 and pageSize 1.." + MAX_PAGE_SIZE);
    }
    CommonRequest request = request("DescribeAccesskeyLeakList");
    if (status != null) {
      request.putQueryParameter("Status", status.wire());
    }
    if (startTs != null) {
      request.putQueryParameter("StartTs", Long.toString(startTs));
    }
    request.putQueryParameter("CurrentPage", Integer.toString(page));
    request.putQueryParameter("PageSize", Integer.toString(pageSize));
    JsonNode body = parse(caller.call(Product.SAS, request, DEFAULT_ENDPOINT), "DescribeAccesskeyLeakList");
    List<LeakSummary> leaks = new ArrayList<>();
    for (JsonNode item : body.path("AccessKeyLeakList")) {
      leaks.add(new LeakSummary(item.path("Id").asLong(), text(item, "AccesskeyId"), text(item, "Type"),
          text(item, "Url"), text(item, "Asset"), text(item, "Status"), text(item, "DealType"),
          text(item, "DealTime"), item.path("GmtModified").asLong(), text(item, "UserType")));
    }
    return new LeakPage(body.path("CurrentPage").asInt(page), body.path("PageSize").asInt(pageSize),
        body.path("TotalCount").asInt(), List.copyOf(leaks));
  }

  /** The detail of one record; a record not in the account is {@link CloudErrorClass#NOT_FOUND}. */
  public LeakDetail detail(long id) throws CloudException {
    CommonRequest request = request("DescribeAccessKeyLeakDetail");
    request.putQueryParameter("Id", Long.toString(id));
    JsonNode d = parse(caller.call(Product.SAS, request, DEFAULT_ENDPOINT), "DescribeAccessKeyLeakDetail");
    return new LeakDetail(text(d, "Type"), text(d, "AccesskeyId"), text(d, "Source"), text(d, "GithubUser"),
        text(d, "GithubRepoName"), text(d, "GithubFileName"), text(d, "GmtModified"), text(d, "DealTime"),
        text(d, "WhitelistStatus"), text(d, "Asset"), text(d, "Remark"));
  }

  /**
   * Marks a record handled. Security Center accepts a record handled already; an HTTP 200 means the request was
   * accepted (the documentation advises listing to verify).
   */
  public void deal(long id, DealType type, String remark) throws CloudException {
    CommonRequest request = request("ModifyAccessKeyLeakDeal");
    request.putQueryParameter("Id", Long.toString(id));
    request.putQueryParameter("Type", type.wire());
    if (remark != null && !remark.isBlank()) {
      request.putQueryParameter("Remark", remark);
    }
    caller.call(Product.SAS, request, DEFAULT_ENDPOINT);
  }

  private static CommonRequest request(String action) {
    CommonRequest request = new CommonRequest();
    request.setSysAction(action);
    return request;
  }

  private static JsonNode parse(String body, String action) throws CloudException {
    return RpcJson.parse(body, action);
  }

  private static String text(JsonNode node, String field) {
    return RpcJson.text(node, field);
  }
}

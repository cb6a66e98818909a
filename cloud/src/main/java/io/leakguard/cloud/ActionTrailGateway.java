package io.leakguard.cloud;

import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedInfoRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedInfoResponse;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedIpsRequest;
import com.aliyuncs.actiontrail.model.v20200706.GetAccessKeyLastUsedProductsRequest;
import com.aliyuncs.actiontrail.model.v20200706.LookupEventsRequest;
import com.aliyuncs.actiontrail.model.v20200706.LookupEventsResponse;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a key did, from ActionTrail: the events it signed and its last-use summaries. */
public final class ActionTrailGateway {

  /**
   * One ActionTrail event, as LeakGuard needs it.
   *
   * @param accountId         the account whose trail holds it ({@code recipientAccountId})
   * @param requestParameters the call's parameters whose values are text (the SDK explodes dotted names into maps;
   *                          those are left out)
   * @param responseElements  what a write answered (the created resource), leaves as text, nested as the SDK
   *                          rebuilds it ({@code AccessKey -> AccessKeyId})
   * @param userAgent         the caller's User-Agent, as ActionTrail recorded it, or null
   */
  public record TrailEvent(String eventId, String eventName, String serviceName, String eventRW, Instant eventTime,
      String sourceIpAddress, String errorCode, String identityType, String userName, String accessKeyId,
      String accountId, Map<String, String> requestParameters, Map<Object, Object> responseElements,
      String userAgent) {

    /** LeakGuard's own liveness probe: a GetCallerIdentity whose User-Agent carries {@link StsGateway#PROBE_AGENT}. */
    public boolean isLeakGuardProbe() {
      return "GetCallerIdentity".equals(eventName) && userAgent != null
          && userAgent.contains(StsGateway.PROBE_AGENT + "/");
    }

    /** A parameter of the call, or null. */
    public String parameter(String name) {
      return requestParameters.get(name);
    }

    /** A leaf of the response at a path ({@code "AccessKey", "AccessKeyId"}), or null. */
    public String response(String... path) {
      Object node = responseElements;
      for (String step : path) {
        if (!(node instanceof Map<?, ?> map)) {
          return null;
        }
        node = map.get(step);
      }
      return node == null || node instanceof Map<?, ?> ? null : node.toString();
    }
  }

  /** A key's last use: when, and in which service. */
  public record LastUse(Instant usedAt, String serviceName) {}

  /** An address a key was used from, and when last. */
  public record IpUse(String ip, Instant usedAt) {}

  /** LookupEvents returns at most 50 events a page. */
  static final int PAGE = 50;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  private final CloudCaller caller;

  public ActionTrailGateway(CloudCaller caller) {
    this.caller = caller;
  }

  /** The events signed with an AccessKey in a time window, newest first, at most {@code limit}. */
  public List<TrailEvent> eventsOfAccessKey(String accessKeyId, Instant start, Instant end, int limit)
      throws CloudException {
    return eventsOfAccessKey(accessKeyId, start, end, limit, null);
  }

  /**
   * The same, each page made only when the client-side rate limit (LookupEvents: 2 a second per account) lets it go
   * within {@code maxRateWait}; else THROTTLED {@code LeakGuard.RateLimited}. Null: wait as long as it takes.
   */
  public List<TrailEvent> eventsOfAccessKey(String accessKeyId, Instant start, Instant end, int limit,
      java.time.Duration maxRateWait) throws CloudException {
    List<TrailEvent> events = new ArrayList<>();
    String nextToken = null;
    do {
      LookupEventsRequest request = new LookupEventsRequest();
      LookupEventsRequest.LookupAttribute attribute = new LookupEventsRequest.LookupAttribute();
      attribute.setKey("EventAccessKeyId");
      attribute.setValue(accessKeyId);
      request.setLookupAttributes(List.of(attribute));
      request.setStartTime(ISO.format(start.truncatedTo(ChronoUnit.SECONDS)));
      request.setEndTime(ISO.format(end.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)));
      request.setMaxResults(Integer.toString(Math.min(PAGE, limit - events.size())));
      if (nextToken != null) {
        request.setNextToken(nextToken);
      }
      LookupEventsResponse response = maxRateWait == null ? caller.call(Product.ACTIONTRAIL, request)
          : caller.callWithin(Product.ACTIONTRAIL, request, maxRateWait);
      for (Map<Object, Object> event : response.getEvents()) {
        events.add(event(event));
      }
      nextToken = response.getNextToken();
    } while (nextToken != null && !nextToken.isEmpty() && events.size() < limit);
    return events;
  }

  /** When and where the key was last used, or empty when ActionTrail never saw it. */
  public Optional<LastUse> lastUse(String accessKeyId) throws CloudException {
    GetAccessKeyLastUsedInfoRequest request = new GetAccessKeyLastUsedInfoRequest();
    request.setAccessKey(accessKeyId);
    try {
      GetAccessKeyLastUsedInfoResponse response = caller.call(Product.ACTIONTRAIL, request);
      if (response.getUsedTimestamp() == null) {
        return Optional.empty();
      }
      return Optional.of(new LastUse(Instant.ofEpochMilli(response.getUsedTimestamp()), response.getServiceName()));
    } catch (CloudException e) {
      if (e.errorClass() == CloudErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The services the key called. */
  public List<String> usedServices(String accessKeyId) throws CloudException {
    GetAccessKeyLastUsedProductsRequest request = new GetAccessKeyLastUsedProductsRequest();
    request.setAccessKey(accessKeyId);
    return caller.call(Product.ACTIONTRAIL, request).getProducts().stream().map(p -> p.getServiceName()).toList();
  }

  /** The addresses the key called a service from. */
  public List<IpUse> usedIps(String accessKeyId, String serviceName) throws CloudException {
    List<IpUse> ips = new ArrayList<>();
    String nextToken = null;
    do {
      GetAccessKeyLastUsedIpsRequest request = new GetAccessKeyLastUsedIpsRequest();
      request.setAccessKey(accessKeyId);
      request.setServiceName(serviceName);
      request.setPageSize("100");
      if (nextToken != null) {
        request.setNextToken(nextToken);
      }
      var response = caller.call(Product.ACTIONTRAIL, request);
      response.getIps().forEach(ip -> ips.add(new IpUse(ip.getIp(),
          ip.getUsedTimestamp() == null ? null : Instant.ofEpochMilli(ip.getUsedTimestamp()))));
      nextToken = response.getNextToken();
    } while (nextToken != null && !nextToken.isEmpty());
    return ips;
  }

  @SuppressWarnings("unchecked")
  static TrailEvent event(Map<Object, Object> event) {
    Object identity = event.get("userIdentity");
    Map<Object, Object> user = identity instanceof Map<?, ?> map ? (Map<Object, Object>) map : Map.of();
    String time = text(event.get("eventTime"));
    Map<String, String> parameters = new java.util.LinkedHashMap<>();
    if (event.get("requestParameters") instanceof Map<?, ?> request) {
      request.forEach((k, v) -> {
        if (k != null && v != null && !(v instanceof Map<?, ?>) && !(v instanceof List<?>)) {
          parameters.put(k.toString(), v.toString());
        }
      });
    }
    Map<Object, Object> response = event.get("responseElements") instanceof Map<?, ?> map
        ? (Map<Object, Object>) map : Map.of();
    return new TrailEvent(text(event.get("eventId")), text(event.get("eventName")), text(event.get("serviceName")),
        text(event.get("eventRW")), time == null ? null : Instant.parse(time), text(event.get("sourceIpAddress")),
        blankToNull(text(event.get("errorCode"))), text(user.get("type")), text(user.get("userName")),
        text(user.get("accessKeyId")), blankToNull(text(event.get("recipientAccountId"))), Map.copyOf(parameters),
        response, blankToNull(text(event.get("userAgent"))));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}

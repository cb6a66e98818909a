package io.leakguard.emulator;

import io.leakguard.emulator.AuditTrail.Event;
import io.leakguard.emulator.Model.AccessKey;
import io.leakguard.emulator.Product.Call;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static io.leakguard.emulator.Responses.obj;

/**
 * ActionTrail, version 2020-07-06 (reference §5), answered from the emulator's own audit trail: every call
 * it served, in the caller's account. Arrays are bare ({@code {"Events":[...]}}), as ActionTrail's SDK
 * expects.
 */
final class ActionTrailApi {

    static final String VERSION = "2020-07-06";
    private static final Set<String> LOOKUP_KEYS = Set.of("ServiceName", "EventName", "User", "EventId",
            "ResourceType", "ResourceName", "EventRW", "EventAccessKeyId", "SensitiveAction", "SourceIpAddress",
            "EventType", "RoleName");
    private static final Duration DEFAULT_WINDOW = Duration.ofDays(7);

    private final CloudState state;
    private final AuditTrail trail;

    ActionTrailApi(CloudState state, AuditTrail trail) {
        this.state = state;
        this.trail = trail;
    }

    Product product() {
        return new Product("Actiontrail", VERSION, "actiontrail",
                (accountId, params) -> "acs:actiontrail:" + state.region() + ":" + accountId + ":*")
                .read("LookupEvents", this::lookupEvents)
                .read("GetAccessKeyLastUsedInfo", this::lastUsedInfo)
                .read("GetAccessKeyLastUsedProducts", this::lastUsedProducts)
                .read("GetAccessKeyLastUsedIps", this::lastUsedIps)
                .read("GetAccessKeyLastUsedEvents", this::lastUsedEvents)
                .read("GetAccessKeyLastUsedResources", this::lastUsedResources);
    }

    // ---------------------------------------------------------------- LookupEvents

    private Map<String, Object> lookupEvents(Call call) {
        Params p = call.params();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int n = 1; n <= 2; n++) {
            String key = p.optional("LookupAttribute." + n + ".Key");
            if (key == null) {
                continue;
            }
            if (!LOOKUP_KEYS.contains(key)) {
                throw Params.invalid("LookupAttribute.Key", "is not a supported lookup key: " + key);
            }
            attributes.put(key, p.get("LookupAttribute." + n + ".Value") == null ? ""
                    : p.get("LookupAttribute." + n + ".Value"));
        }
        Instant end = time(p, "EndTime", call.now());
        Instant start = time(p, "StartTime", end.minus(DEFAULT_WINDOW));
        if (start.isAfter(end)) {
            throw Params.invalid("StartTime", "must not be after EndTime");
        }
        Integer maxResultsParam = p.integer("MaxResults", 1, 50);
        int maxResults = maxResultsParam == null ? 20 : maxResultsParam;
        long before = p.optional("NextToken") == null ? Long.MAX_VALUE : token(p.get("NextToken"));

        String accountId = call.caller().accountId();
        Predicate<Event> filter = e -> accountId.equals(e.accountId())
                && !e.eventTime().isBefore(start) && !e.eventTime().isAfter(end)
                && attributes.entrySet().stream().allMatch(a -> matches(e, a.getKey(), a.getValue()));
        List<Event> page = trail.newestFirst(filter, before, maxResults + 1);
        String nextToken = null;
        if (page.size() > maxResults) {
            page = page.subList(0, maxResults);
            nextToken = Responses.marker(Long.toString(page.get(page.size() - 1).seq()));
        }
        return obj("NextToken", nextToken, "StartTime", Times.format(start), "EndTime", Times.format(end),
                "Events", page.stream().map(Event::toJson).toList());
    }

    private static boolean matches(Event e, String key, String value) {
        return switch (key) {
            case "ServiceName" -> value.equalsIgnoreCase(e.serviceName());
            case "EventName" -> value.equals(e.eventName());
            case "User" -> value.equals(e.userName());
            case "EventId" -> value.equals(e.eventId());
            case "ResourceType" -> value.equals(e.resourceType());
            case "ResourceName" -> value.equals(e.resourceName());
            case "EventRW" -> value.equals(e.eventRW());
            case "EventAccessKeyId" -> value.equals(e.accessKeyId());
            case "SourceIpAddress" -> value.equals(e.sourceIpAddress());
            case "EventType" -> value.equals("ApiCall");
            case "RoleName" -> e.userName() != null && e.identityType().equals("assumed-role")
                    && e.userName().toLowerCase().startsWith(value.toLowerCase() + ":");
            // The emulator marks no action as sensitive.
            case "SensitiveAction" -> value.equalsIgnoreCase("false");
            default -> false;
        };
    }

    private static Instant time(Params p, String name, Instant fallback) {
        String text = p.optional(name);
        if (text == null) {
            return fallback;
        }
        Instant parsed = Times.parseOrNull(text);
        if (parsed == null) {
            throw Params.invalid(name, "must be an ISO-8601 UTC time such as 2020-10-08T11:00:00Z");
        }
        return parsed;
    }

    private static long token(String token) {
        try {
            return Long.parseLong(Responses.unmarker(token, "NextToken"));
        } catch (NumberFormatException e) {
            throw Params.invalid("NextToken", "is not a token this service returned");
        }
    }

    // ---------------------------------------------------------------- GetAccessKeyLastUsed*

    /** The authenticated events of one AccessKey in the caller's account, newest first. */
    private List<Event> usesOf(Call call, String accessKeyId) {
        String accountId = call.caller().accountId();
        List<Event> uses = new ArrayList<>(trail.all(e -> accountId.equals(e.accountId())
                && accessKeyId.equals(e.accessKeyId()) && e.principalId() != null));
        uses.sort(Comparator.comparingLong(Event::seq).reversed());
        return uses;
    }

    /** The key's owner in the caller's account (live or deleted), or null when the account never had it. */
    private AccessKey ownedKey(Call call, String accessKeyId) {
        return state.locked(m -> {
            AccessKey key = m.keys.get(accessKeyId);
            if (key == null) {
                key = m.deletedKeys.get(accessKeyId);
            }
            return key != null && key.accountId.equals(call.caller().accountId()) ? key : null;
        });
    }

    private Map<String, Object> lastUsedInfo(Call call) {
        String accessKeyId = call.params().required("AccessKey");
        List<Event> uses = usesOf(call, accessKeyId);
        AccessKey key = ownedKey(call, accessKeyId);
        if (key == null && uses.isEmpty()) {
            throw ApiException.notFound("EntityNotExist.AccessKey", "The AccessKey does not belong to this account.");
        }
        Event last = uses.isEmpty() ? null : uses.get(0);
        boolean root = key != null ? key.isRoot() : last.identityType().equals("root-account");
        String userName = key != null ? (key.isRoot() ? "root" : key.userName) : last.userName();
        Map<String, Object> response = obj("AccessKeyId", accessKeyId, "AccountId", call.caller().accountId(),
                "OwnerId", call.caller().accountId(), "UserName", userName,
                "AccountType", root ? "root-account" : "ram-user");
        if (last != null) {
            response.putAll(usage(last));
            response.putAll(serviceNames(last.serviceName()));
        }
        return response;
    }

    private Map<String, Object> lastUsedProducts(Call call) {
        List<Event> uses = usesOf(call, call.params().required("AccessKey"));
        List<Map<String, Object>> products = new ArrayList<>();
        for (Event e : latestBy(uses, Event::serviceName)) {
            Map<String, Object> item = serviceNames(e.serviceName());
            item.putAll(usage(e));
            products.add(item);
        }
        return obj("Products", products);
    }

    private Map<String, Object> lastUsedIps(Call call) {
        return paged(call, "Ips", Event::sourceIpAddress, e -> obj("Ip", e.sourceIpAddress()));
    }

    private Map<String, Object> lastUsedEvents(Call call) {
        return paged(call, "Events", Event::eventName, e -> obj("EventName", e.eventName()));
    }

    private Map<String, Object> lastUsedResources(Call call) {
        return paged(call, "Resources", e -> e.resourceType() == null ? null : e.resourceType() + "/" + e.resourceName(),
                e -> obj("ResourceName", e.resourceName(), "ResourceType", e.resourceType()));
    }

    /** One page of the latest use per group, within one service (ServiceName is required). */
    private Map<String, Object> paged(Call call, String listName, Function<Event, String> groupBy,
                                      Function<Event, Map<String, Object>> describe) {
        Params p = call.params();
        String accessKeyId = p.required("AccessKey");
        String serviceName = p.required("ServiceName");
        Integer pageSizeParam = p.integer("PageSize", 1, 100);
        int pageSize = pageSizeParam == null ? 20 : pageSizeParam;
        int offset = 0;
        if (p.optional("NextToken") != null) {
            try {
                offset = Integer.parseInt(Responses.unmarker(p.get("NextToken"), "NextToken"));
            } catch (NumberFormatException e) {
                throw Params.invalid("NextToken", "is not a token this service returned");
            }
        }
        List<Event> uses = usesOf(call, accessKeyId).stream()
                .filter(e -> e.serviceName().equalsIgnoreCase(serviceName))
                .toList();
        List<Event> latest = latestBy(uses, groupBy);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Event e : latest.subList(Math.min(offset, latest.size()), Math.min(offset + pageSize, latest.size()))) {
            Map<String, Object> item = describe.apply(e);
            item.putAll(usage(e));
            items.add(item);
        }
        String nextToken = offset + pageSize < latest.size() ? Responses.marker(Integer.toString(offset + pageSize)) : null;
        return obj("NextToken", nextToken, listName, items);
    }

    /** The newest event of each group, newest first (the input is newest first). */
    private static List<Event> latestBy(List<Event> newestFirst, Function<Event, String> groupBy) {
        Map<String, Event> latest = new LinkedHashMap<>();
        for (Event e : newestFirst) {
            String group = groupBy.apply(e);
            if (group != null) {
                latest.putIfAbsent(group, e);
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static Map<String, Object> usage(Event e) {
        return obj("UsedTimestamp", e.eventTime().toEpochMilli(), "Detail", Json.string(e.toJson()),
                "Source", "ManagementEvent");
    }

    private static Map<String, Object> serviceNames(String serviceName) {
        return obj("ServiceName", serviceName.toLowerCase(), "ServiceNameCn", serviceName,
                "ServiceNameEn", serviceName);
    }
}

package io.leakguard.emulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every call the emulator served, success or failure, as ActionTrail events. Bounded: the oldest events are
 * dropped beyond {@link #CAPACITY}. Thread-safe; its lock is separate from the state lock.
 */
final class AuditTrail {

    static final int CAPACITY = 50_000;

    /** Parameters that carry secrets or signing material and never enter an event. */
    private static final Set<String> REDACTED = Set.of("Signature", "SecurityToken", "SecretData",
            "AccessKeySecret", "Password", "NewPassword", "OldPassword", "SignatureNonce");

    /**
     * One recorded call.
     *
     * @param seq       a strictly increasing sequence number, assigned by {@link #record}; used for paging
     * @param accountId the account whose trail holds the event (the caller's); null when the key was unknown
     */
    record Event(long seq, String eventId, String eventName, String serviceName, String apiVersion, boolean write,
                 Instant eventTime, String sourceIpAddress, String userAgent, String requestId, String accountId,
                 String identityType, String accessKeyId, String userName, String principalId, String errorCode,
                 String errorMessage, Map<String, String> requestParameters, Map<String, Object> responseElements,
                 String resourceType, String resourceName, String region) {

        Event withSeq(long newSeq) {
            return new Event(newSeq, eventId, eventName, serviceName, apiVersion, write, eventTime, sourceIpAddress,
                    userAgent, requestId, accountId, identityType, accessKeyId, userName, principalId, errorCode,
                    errorMessage, requestParameters, responseElements, resourceType, resourceName, region);
        }

        String eventRW() {
            return write ? "Write" : "Read";
        }

        /** The event as ActionTrail returns it (LookupEvents and the Detail of GetAccessKeyLastUsed*). */
        Map<String, Object> toJson() {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("type", identityType);
            identity.put("principalId", principalId);
            identity.put("accountId", accountId);
            identity.put("accessKeyId", accessKeyId);
            identity.put("userName", userName);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("eventId", eventId);
            json.put("eventVersion", "1");
            json.put("eventName", eventName);
            json.put("eventSource", serviceName.toLowerCase() + "." + region + ".aliyuncs.com");
            json.put("eventType", "ApiCall");
            json.put("eventRW", eventRW());
            json.put("eventCategory", "Management");
            json.put("eventTime", Times.format(eventTime));
            json.put("acsRegion", region);
            json.put("serviceName", serviceName);
            json.put("apiVersion", apiVersion);
            json.put("requestId", requestId);
            json.put("sourceIpAddress", sourceIpAddress);
            json.put("userAgent", userAgent);
            json.put("errorCode", errorCode == null ? "" : errorCode);
            json.put("errorMessage", errorMessage == null ? "" : errorMessage);
            json.put("isGlobal", false);
            json.put("recipientAccountId", accountId);
            json.put("requestParameters", requestParameters);
            json.put("responseElements", responseElements == null ? Map.of() : responseElements);
            json.put("resourceType", resourceType);
            json.put("resourceName", resourceName);
            json.put("userIdentity", identity);
            return json;
        }
    }

    private final Deque<Event> events = new ArrayDeque<>();
    private long nextSeq = 1;

    /**
     * What a successful write answered, as ActionTrail's {@code responseElements} shows it: the created resource
     * (a new AccessKey's ID, a new user, an assumed role's session key) without any secret in it, at any depth. Reads
     * keep none: their answers are data, not what the call did.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> responseElements(Map<String, Object> body) {
        Map<String, Object> kept = new LinkedHashMap<>();
        body.forEach((k, v) -> {
            if (REDACTED.contains(k) || k.equals("RequestId")) {
                return;
            }
            kept.put(k, v instanceof Map<?, ?> nested ? responseElements((Map<String, Object>) nested) : v);
        });
        return kept;
    }

    static Map<String, String> redact(Map<String, String> params) {
        Map<String, String> kept = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!REDACTED.contains(k)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    /**
     * Appends an event, giving it the next sequence number (whatever it carried), so sequence order and
     * storage order always agree and NextToken paging never skips an event.
     */
    synchronized void record(Event event) {
        events.addLast(event.withSeq(nextSeq++));
        if (events.size() > CAPACITY) {
            events.removeFirst();
        }
    }

    /** Matching events, newest first, with a sequence number below {@code beforeSeq}, at most {@code limit}. */
    synchronized List<Event> newestFirst(Predicate<Event> filter, long beforeSeq, int limit) {
        List<Event> result = new ArrayList<>();
        Iterator<Event> it = events.descendingIterator();
        while (it.hasNext() && result.size() < limit) {
            Event e = it.next();
            if (e.seq() < beforeSeq && filter.test(e)) {
                result.add(e);
            }
        }
        return result;
    }

    /** Every matching event, oldest first. */
    synchronized List<Event> all(Predicate<Event> filter) {
        return events.stream().filter(filter).toList();
    }
}

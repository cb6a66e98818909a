package io.leakguard.notifier.channel;

import java.util.Objects;

/**
 * One notification, rendered for one recipient in one language from an outcome's {@code Notice}: never a secret,
 * only what the notice copies (masked key, new key ID, KMS secret name and version, incident ID, times).
 *
 * @param deliveryId stable ID of this (incident, status, recipient): the e-mail {@code Message-ID}'s local part,
 *                   the webhook's idempotency key and CloudEvents {@code id}, so a resend is recognizably the same
 * @param incidentId the incident
 * @param status     the remediation status announced (ROTATED, FAILED, ...)
 * @param language   {@code en} or {@code zh-CN}
 * @param title      one short line: an e-mail subject, a card or markdown title
 * @param text       plain text, several lines
 * @param markdown   the same as markdown (headings, bold, lists; no HTML), for DingTalk, WeCom, Lark and Slack
 * @param html       the same as a small HTML document body, for e-mail
 * @param facts      the structured fields (the notice as JSON-ready values), for webhooks and cards
 */
public record Message(String deliveryId, String incidentId, String status, String language, String title,
    String text, String markdown, String html, java.util.Map<String, Object> facts) {

  public Message {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(incidentId, "incidentId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(markdown, "markdown");
    Objects.requireNonNull(html, "html");
    facts = facts == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(facts));
  }
}

package io.leakguard.notifier;

import io.leakguard.notifier.channel.Message;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a {@link Notice} as a message in English ({@code en}) or Simplified Chinese ({@code zh-CN}): what happened,
 * to which key (masked), whose it is, what was done (new key ID, KMS secret name and version), what the owner must do
 * now, the incident ID and the time from detection to neutralization. Everything comes from the notice, which holds
 * no secret; plain text, markdown and HTML say the same.
 */
public final class Templates {

  public static final Set<String> LANGUAGES = Set.of("en", "zh-CN");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private Templates() {}

  /** One section of a message: a label and its text. */
  private record Part(String label, String text) {}

  public static Message render(Notice n, String language, String deliveryId) {
    boolean zh = "zh-CN".equals(language);
    String owner = owner(n, zh);
    String title = "[LeakGuard] " + headline(n, owner, zh);
    List<Part> parts = new ArrayList<>();
    parts.add(new Part(zh ? "发生了什么" : "What happened", happened(n, owner, zh)));
    parts.add(new Part(zh ? "LeakGuard 做了什么" : "What LeakGuard did", done(n, zh)));
    if (!n.persistence().isEmpty()) {
      // What the attacker built with the key, and what the sweep did about each: the owner must know.
      parts.add(new Part(zh ? "泄露的密钥创建或更改了什么" : "What the leaked key created or changed",
          String.join("; ", n.persistence())));
    }
    parts.add(new Part(zh ? "您现在需要做什么" : "What you must do now", todo(n, zh)));
    List<Part> facts = new ArrayList<>();
    facts.add(new Part(zh ? "事件" : "Incident", n.incidentId()));
    facts.add(new Part(zh ? "密钥" : "Key", n.maskedKey()));
    facts.add(new Part(zh ? "归属" : "Owner", owner));
    facts.add(new Part(zh ? "来源" : "Source", n.sourceType() + " " + n.sourceLocation()));
    facts.add(new Part(zh ? "严重程度" : "Severity", n.severity()));
    if (n.detectedAt() != null) {
      facts.add(new Part(zh ? "发现时间" : "Detected", TIME.format(n.detectedAt())));
    }
    if (n.neutralizedAt() != null) {
      facts.add(new Part(zh ? "失效时间" : "Neutralized", TIME.format(n.neutralizedAt()) + " ("
          + (zh ? "发现后 " : "") + duration(n.detectionToNeutralizationMillis(), zh) + (zh ? "" : " after detection")
          + ")"));
    }
    return new Message(deliveryId, n.incidentId(), n.status(), zh ? "zh-CN" : "en", title,
        text(title, parts, facts), markdown(title, parts, facts), html(title, parts, facts, zh), n.facts());
  }

  /** A security team's digest during a storm: one line per incident. */
  public static Message digest(String deliveryId, String key, List<String> lines, Instant from, Instant to,
      String language) {
    boolean zh = "zh-CN".equals(language);
    String title = zh ? "[LeakGuard] 泄露风暴摘要：" + lines.size() + " 个事件"
        : "[LeakGuard] Leak storm digest: " + lines.size() + " incidents";
    String intro = zh
        ? TIME.format(from) + " 至 " + TIME.format(to) + " 期间事件过多，逐条通知改为摘要；密钥所有者仍各自收到通知。"
        : "Between " + TIME.format(from) + " and " + TIME.format(to) + " more incidents arrived than the storm "
          + "threshold, so the security team gets this digest instead of one message each; owners are still told "
          + "one by one.";
    StringBuilder text = new StringBuilder(title).append("\n\n").append(intro).append("\n\n");
    StringBuilder md = new StringBuilder("### ").append(title).append("\n\n").append(intro).append("\n\n");
    StringBuilder html = new StringBuilder("<h3>").append(escape(title)).append("</h3><p>").append(escape(intro))
        .append("</p><ul>");
    for (String line : lines) {
      text.append("- ").append(line).append('\n');
      md.append("- ").append(line).append('\n');
      html.append("<li>").append(escape(line)).append("</li>");
    }
    html.append("</ul>");
    return new Message(deliveryId, key, "DIGEST", zh ? "zh-CN" : "en", title, text.toString(), md.toString(),
        page(html.toString(), zh), java.util.Map.of("digest", lines, "from", from.toString(), "to", to.toString()));
  }

  /** The digest's line for one incident. */
  public static String digestLine(Notice n) {
    return n.status() + " " + n.maskedKey() + " (" + (n.accountId() == null ? "?" : n.accountId())
        + (n.userName() == null ? "" : "/" + n.userName()) + ") incident " + n.incidentId();
  }

  private static String owner(Notice n, boolean zh) {
    String account = n.accountId() == null ? (zh ? "未知账号" : "an unknown account") : n.accountId();
    if (n.userName() != null) {
      return (zh ? "RAM 用户 " : "RAM user ") + n.userName() + (zh ? "（账号 " + account + "）" : " (account " + account
          + ")");
    }
    if (n.roleName() != null) {
      return (zh ? "RAM 角色 " : "RAM role ") + n.roleName() + (zh ? "（账号 " + account + "）" : " (account "
          + account + ")");
    }
    return "ROOT_ACCOUNT".equals(n.ownerKind()) ? (zh ? "账号 " + account + " 的主账号" : "the root of account "
        + account) : (zh ? "账号 " : "account ") + account;
  }

  private static String headline(Notice n, String owner, boolean zh) {
    String key = n.maskedKey();
    return switch (n.status()) {
      case "ROTATED" -> zh ? "泄露的 AccessKey " + key + " 已删除并轮换" : "Leaked AccessKey " + key + " of " + owner
          + " was deleted and replaced";
      case "NEUTRALIZED" -> zh ? "泄露的 STS 令牌 " + key + " 已失效" : "Leaked STS token " + key + " was neutralized";
      case "ESCALATED" -> zh ? "泄露的凭证 " + key + " 需要安全团队处理" : "Leaked credential " + key
          + " needs the security team";
      case "AWAITING_APPROVAL" -> zh ? "泄露的凭证 " + key + " 等待审批" : "Leaked credential " + key
          + " waits for approval";
      case "CONTAINED" -> n.restricted()
          ? (zh ? "泄露的 AccessKey " + key + " 已限制为仅允许已知地址访问，等待审批" : "Leaked AccessKey " + key
              + " was restricted to its known addresses while it waits for approval")
          : (zh ? "泄露的 AccessKey " + key + " 已临时禁用，等待审批" : "Leaked AccessKey " + key
              + " was disabled while it waits for approval");
      case "REJECTED" -> zh ? "泄露凭证 " + key + " 的处置被拒绝" : "Remediation of leaked credential " + key
          + " was rejected";
      case "PLANNED" -> zh ? "演练：" + key + " 未做任何更改" : "Dry run for " + key + ": nothing was changed";
      case "SKIPPED" -> zh ? "泄露的凭证 " + key + " 无需处理" : "Leaked credential " + key + " needed nothing";
      default -> zh ? "泄露凭证 " + key + " 的处置失败" + (n.credentialMayBeLive() ? "，凭证可能仍然有效" : "")
          : "Remediation of leaked credential " + key + " FAILED" + (n.credentialMayBeLive()
              ? ": THE CREDENTIAL MAY STILL WORK" : "");
    };
  }

  private static String happened(Notice n, String owner, boolean zh) {
    String where = n.sourceType() + " " + n.sourceLocation();
    String what = "STS_TOKEN".equals(n.kind()) ? (zh ? "STS 令牌 " : "The STS token ") : (zh ? "AccessKey "
        : "The AccessKey ");
    return zh ? owner + " 的" + what + n.maskedKey() + " 在 " + where + " 中被发现泄露。"
        : what + n.maskedKey() + " of " + owner + " was found leaked in " + where + ".";
  }

  private static String done(Notice n, boolean zh) {
    String reason = n.reason() == null ? "" : n.reason();
    return switch (n.status()) {
      case "ROTATED" -> zh
          ? "已删除泄露的密钥（不是仅禁用），新建 AccessKey " + n.newAccessKeyId() + "，并写入 KMS 凭据 "
            + n.kmsSecretName() + (n.kmsSecretVersion() == null ? "" : "（版本 " + n.kmsSecretVersion() + "）")
            + "，状态为 ACSCurrent。"
          : "Deleted the leaked key (not just disabled it), created AccessKey " + n.newAccessKeyId()
            + " and stored it in KMS secret " + n.kmsSecretName() + (n.kmsSecretVersion() == null ? ""
              : " (version " + n.kmsSecretVersion() + ")") + " as ACSCurrent.";
      case "NEUTRALIZED" -> n.denyPolicy() != null
          ? (zh ? "已为角色 " + n.roleName() + " 附加拒绝策略 " + n.denyPolicy() + "：该角色的所有令牌只能从 "
              + n.knownIps() + " 调用，其他地址一律拒绝；生产应用不受影响。" : "Attached the Deny policy "
              + n.denyPolicy() + " to role " + n.roleName() + ": every token of the role works only from "
              + n.knownIps() + " and is refused from anywhere else, so production keeps working.")
          : zh ? "已从角色 " + n.roleName() + " 上解除策略 " + n.detachedPolicies()
          + "，该角色的所有未过期令牌均已失去权限。" : "Detached " + n.detachedPolicies() + " from role " + n.roleName()
          + ": every unexpired token of the role lost its power.";
      case "CONTAINED" -> n.restricted()
          ? (zh ? "已为该密钥设置网络访问限制策略（可恢复）：只允许 " + n.knownIps() + " 调用，应用不受影响，"
              + "等待审批后轮换。" : "Restricted the key (reversible) with a network access policy: only "
              + n.knownIps() + " may use it, so its applications keep working until a person approves the rotation.")
          : zh ? "已临时禁用该密钥（可恢复），等待审批后轮换。" : "Disabled the key (reversible) until a "
          + "person approves the rotation.";
      case "PLANNED" -> zh ? "演练模式：只生成了计划，未做任何更改。" : "Dry-run mode: planned only, changed nothing.";
      case "AWAITING_APPROVAL" -> zh ? "尚未做任何更改，等待审批。" : "Nothing yet: the policy requires a person's "
          + "approval.";
      case "ESCALATED", "REJECTED", "SKIPPED" -> zh ? "未自动处理：" + reason : "Nothing automatic: " + reason;
      default -> (zh ? "第 " + n.attempt() + " 次尝试失败：" : "Attempt " + n.attempt() + " failed: ") + reason;
    };
  }

  private static String todo(Notice n, boolean zh) {
    String id = n.incidentId();
    return switch (n.status()) {
      case "ROTATED" -> zh
          ? "读取 KMS 凭据 " + n.kmsSecretName() + " 的应用会在下次刷新时使用新密钥；旧密钥的其他副本（配置文件、CI 变量）"
            + "已失效，请改为读取该凭据，并检查泄露位置，移除泄露内容。"
          : "Applications that read KMS secret " + n.kmsSecretName() + " pick up the new key at their next refresh. "
            + "Any other copy of the old key (config files, CI variables) is dead: replace it with a read of the "
            + "secret, and remove the leaked content where it was found.";
      case "NEUTRALIZED" -> zh ? "重新获取 STS 令牌的应用不受影响；请检查令牌是如何泄露的。" : "Applications that "
          + "request new STS tokens are not affected; find out how the token leaked.";
      case "AWAITING_APPROVAL", "CONTAINED" -> zh ? "批准：leakguard approve " + id + "；拒绝：leakguard reject " + id
          : "Approve with 'leakguard approve " + id + "' or reject with 'leakguard reject " + id + "'.";
      case "ESCALATED" -> zh ? "安全团队需要立即处理：主账号密钥请在控制台删除，并审查其操作记录。" : "The security "
          + "team acts now: a root key is deleted by the account owner in the console and its activity reviewed.";
      case "REJECTED" -> zh ? "该密钥仍然有效，除非有人删除它。" : "The key is still valid unless someone deletes it.";
      case "PLANNED", "SKIPPED" -> zh ? "无需操作。" : "Nothing.";
      default -> n.nextRetryAt() != null
          ? (zh ? "LeakGuard 将于 " + TIME.format(n.nextRetryAt()) + " 重试；立即重试：leakguard retry " + id
              : "LeakGuard tries again at " + TIME.format(n.nextRetryAt()) + " and on any new sighting; "
                + "'leakguard retry " + id + "' tries now.")
          : (zh ? "需要人工处理：leakguard retry " + id : "It needs a person now: 'leakguard retry " + id
              + "' tries again.");
    };
  }

  private static String duration(Long millis, boolean zh) {
    if (millis == null) {
      return "?";
    }
    Duration d = Duration.ofMillis(millis);
    if (millis < 1_000) {
      return millis + (zh ? " 毫秒" : " ms");
    }
    if (millis < 10_000) {
      return String.format(Locale.ROOT, "%.1f %s", millis / 1000.0, zh ? "秒" : "s");
    }
    if (d.toMinutes() < 1) {
      return d.toSeconds() + (zh ? " 秒" : " s");
    }
    return d.toMinutes() + (zh ? " 分 " : " min ") + d.toSecondsPart() + (zh ? " 秒" : " s");
  }

  private static String text(String title, List<Part> parts, List<Part> facts) {
    StringBuilder b = new StringBuilder(title).append("\n\n");
    parts.forEach(p -> b.append(p.label()).append(": ").append(p.text()).append("\n\n"));
    facts.forEach(p -> b.append(p.label()).append(": ").append(p.text()).append('\n'));
    return b.toString();
  }

  private static String markdown(String title, List<Part> parts, List<Part> facts) {
    StringBuilder b = new StringBuilder("### ").append(title).append("\n\n");
    parts.forEach(p -> b.append("**").append(p.label()).append("**: ").append(p.text()).append("\n\n"));
    facts.forEach(p -> b.append("- **").append(p.label()).append("**: ").append(p.text()).append('\n'));
    return b.toString();
  }

  private static String html(String title, List<Part> parts, List<Part> facts, boolean zh) {
    StringBuilder b = new StringBuilder("<h2>").append(escape(title)).append("</h2>");
    parts.forEach(p -> b.append("<p><b>").append(escape(p.label())).append("</b>: ").append(escape(p.text()))
        .append("</p>"));
    b.append("<table>");
    facts.forEach(p -> b.append("<tr><th align=\"left\">").append(escape(p.label())).append("</th><td>")
        .append(escape(p.text())).append("</td></tr>"));
    b.append("</table>");
    return page(b.toString(), zh);
  }

  private static String page(String body, boolean zh) {
    return "<!DOCTYPE html><html lang=\"" + (zh ? "zh-CN" : "en") + "\"><head><meta charset=\"utf-8\"></head><body>"
        + body + "<p><small>LeakGuard</small></p></body></html>";
  }

  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}

package io.leakguard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.testkit.SyntheticKeys;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import io.leakguard.testkit.Chromium;
import io.leakguard.testkit.ConsolePage;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's page in a real browser: headless Chromium over the DevTools Protocol, against the console service on
 * a real broker. The page is opened and signed in to first; the incident is written afterwards, so it can only appear
 * through the live updates. Skipped where no Chromium is installed (CI installs Debian's package).
 */
class ConsoleBrowserIT {

  @TempDir
  Path dir;

  @Test
  void shouldShowAnIncidentLiveAndApproveItFromThePage() throws Exception {
    Path executable = Chromium.executable().orElse(null);
    Assumptions.assumeTrue(executable != null, "no chromium on the PATH (apt-get install chromium)");
    try (ConsoleStack stack = new ConsoleStack(dir); Chromium browser = new Chromium(executable,
        dir.resolve("profile"))) {
      // Given the page, signed in with the token typed into its form
      ConsolePage page = new ConsolePage(browser);
      page.signIn(stack.url("/"), stack.token);
      assertTrue(browser.eval("document.getElementById('login').hidden").asBoolean());

      // When an incident waiting for approval is written after the page opened
      String account = SyntheticKeys.accountId();
      Incident incident = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.GITHUB, Instant.now());
      stack.outcome(incident, account, RemediationStatus.AWAITING_APPROVAL);

      // Then it appears in the list without a reload, waiting for a decision
      await().atMost(Chromium.patience()).until(() -> page.listed(incident.getIncidentId(), true));
      assertTrue(page.rowText(incident.getIncidentId()).contains(incident.getMaskedKey()));

      // When it is opened and approved
      page.open(incident.getIncidentId());
      assertTrue(page.decisionOffered());
      assertTrue(page.text("d-steps").contains("FindOwner"));
      page.decide("approve", "approved in the browser test");

      // Then the decision is on the approvals topic, by the token's identity, and the page says so
      ApprovalDecision decision = stack.decisionsOn(incident.getIncidentId()).get(0);
      assertEquals(Decision.APPROVE, decision.getDecision());
      assertEquals("alice", decision.getDecidedBy());
      assertEquals("approved in the browser test", decision.getComment());
      await().atMost(Chromium.patience()).until(() -> page.text("d-title").contains("APPROVE sent as alice"));

      // And the page fetched nothing but the console's own origin
      List<String> urls = browser.events.stream()
          .filter(e -> e.path("method").asText().equals("Network.requestWillBeSent"))
          .map(e -> e.path("params").path("request").path("url").asText()).toList();
      assertTrue(urls.stream().anyMatch(u -> u.endsWith("/app.js")), urls.toString());
      for (String url : urls) {
        assertTrue(url.startsWith(stack.url("/")), "fetched from elsewhere: " + url);
      }
      JsonNode stored = browser.eval("sessionStorage.getItem('leakguard.console.token')");
      assertEquals(stack.token, stored.asText());
      assertEquals("", browser.eval("document.cookie").asText());
    }
  }
}

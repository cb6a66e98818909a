package io.leakguard.testkit;

import static org.awaitility.Awaitility.await;

import java.util.Map;

/**
 * The incident console's page as a person uses it, in a {@link Chromium}: signing in by typing the token, finding an
 * incident's row, opening it, deciding. The element IDs are the page's ({@code console/.../web/index.html}).
 */
public final class ConsolePage {

  private final Chromium browser;

  public ConsolePage(Chromium browser) {
    this.browser = browser;
  }

  /** Opens {@code url}, types the token into the sign-in form and waits until the live updates are connected. */
  public void signIn(String url, String token) throws Exception {
    browser.call("Page.enable", Map.of());
    browser.call("Network.enable", Map.of());
    browser.call("Page.navigate", Map.of("url", url));
    await().atMost(Chromium.patience()).until(() -> browser.eval(
        "document.readyState === 'complete' && !document.getElementById('login').hidden").asBoolean());
    browser.eval("document.getElementById('token').focus()");
    browser.call("Input.insertText", Map.of("text", token));
    browser.eval("document.getElementById('login-button').click()");
    await().atMost(Chromium.patience()).until(() -> text("live").equals("live"));
  }

  /** The script expression of the incident's row in the list. */
  public static String row(String incidentId) {
    return "document.querySelector('#incidents tbody tr[data-id=\"" + incidentId + "\"]')";
  }

  /** Whether the incident's row is listed, and, when {@code awaiting}, marked as waiting for a decision. */
  public boolean listed(String incidentId, boolean awaiting) throws Exception {
    String row = row(incidentId);
    return browser.eval(row + " !== null" + (awaiting ? " && " + row + ".classList.contains('awaiting')" : ""))
        .asBoolean();
  }

  /** The text of the row's cells, tab-separated (empty when it is not listed). */
  public String rowText(String incidentId) throws Exception {
    String row = row(incidentId);
    return browser.eval(row + " === null ? '' : Array.from(" + row + ".cells).map(c => c.textContent).join('\\t')")
        .asText();
  }

  /** Clicks the row and waits until its detail is shown. */
  public void open(String incidentId) throws Exception {
    browser.eval(row(incidentId) + ".click()");
    await().atMost(Chromium.patience()).until(() -> browser.eval("!document.getElementById('detail').hidden"
        + " && document.getElementById('d-title').textContent.includes('" + incidentId + "')").asBoolean());
  }

  /** Whether the opened incident offers a decision. */
  public boolean decisionOffered() throws Exception {
    return !browser.eval("document.getElementById('decide').hidden").asBoolean();
  }

  /** Writes the comment and clicks approve or reject ({@code verb}) on the opened incident. */
  public void decide(String verb, String comment) throws Exception {
    browser.eval("document.getElementById('comment').value = " + Chromium.quote(comment));
    browser.eval("document.getElementById('" + verb + "').click()");
  }

  /** The text content of the element with this ID. */
  public String text(String id) throws Exception {
    return browser.eval("document.getElementById('" + id + "').textContent").asText();
  }
}

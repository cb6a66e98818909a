package io.leakguard.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.Delivery;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {

  private HttpServer server;
  private final BlockingQueue<String> bodies = new ArrayBlockingQueue<>(10);
  private volatile int status = 200;

  @BeforeEach
  void setUp() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=opaque");
  }

  @Test
  void shouldPostTheOutcomeAsJson() throws Exception {
    String id = SyntheticKeys.accessKeyId();
    String newKey = SyntheticKeys.accessKeyId();
    WebhookChannel channel = new WebhookChannel(url(), Duration.ofSeconds(5));

    Delivery delivery = channel.deliver(Outcomes.rotated("inc-1", id, newKey, Instant.parse("2026-11-22T10:00:00Z")));

    assertTrue(delivery.getDelivered(), delivery.toString());
    assertFalse(delivery.getRecipient().contains("token"), "the recipient must not carry the URL's query");
    JsonNode body = new ObjectMapper().readTree(bodies.poll(5, TimeUnit.SECONDS));
    assertEquals("inc-1", body.at("/incident/incidentId").asText());
    assertEquals("ROTATED", body.at("/incident/status").asText());
    assertEquals(newKey, body.at("/incident/newAccessKeyId").asText());
    assertEquals(35, body.at("/incident/detectionToNeutralizationMillis").asLong());
    assertTrue(body.at("/text").asText().contains("was deleted after 35 ms"), body.at("/text").asText());
  }

  @Test
  void shouldTellHowToApproveAnIncidentWaitingForApproval() {
    var waiting = io.leakguard.schemas.RemediationOutcome.newBuilder(
            Outcomes.rotated("inc-9", SyntheticKeys.accessKeyId(), null, Instant.now()))
        .setStatus(io.leakguard.schemas.RemediationStatus.AWAITING_APPROVAL).setStrategy("replace-first").build();

    String text = Notice.of(waiting).summary();

    assertTrue(text.contains("leakguard approve inc-9"), text);
    assertFalse(text.contains("FAILED"), text);
  }

  @Test
  void shouldReportARefusedDeliveryWithoutThrowing() {
    status = 503;
    Delivery delivery = new WebhookChannel(url(), Duration.ofSeconds(5))
        .deliver(Outcomes.rotated("inc-2", SyntheticKeys.accessKeyId(), SyntheticKeys.accessKeyId(), Instant.now()));

    assertFalse(delivery.getDelivered());
    assertEquals("HTTP 503", delivery.getDetail());
  }

  @Test
  void shouldReportAnUnreachableWebhookWithoutThrowing() {
    Delivery delivery = new WebhookChannel(URI.create("http://127.0.0.1:1/hook"), Duration.ofSeconds(2))
        .deliver(Outcomes.rotated("inc-3", SyntheticKeys.accessKeyId(), SyntheticKeys.accessKeyId(), Instant.now()));

    assertFalse(delivery.getDelivered());
  }
}

package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.config.ConfigException;
import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Settings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudOptionsTest {

  private final ConfigLoader loader = new ConfigLoader(CloudOptions.ALL);

  @Test
  void shouldPointEveryProductAtOneEndpointAndLetOneProductDiffer() {
    Settings settings = loader.load(Map.of("LEAKGUARD_CLOUD_ENDPOINT", "http://127.0.0.1:18080"),
        List.of("--cloud.endpoint.kms=https://kms.example.internal"));

    CloudSettings cloud = CloudOptions.settings(settings);

    assertEquals(URI.create("http://127.0.0.1:18080"), cloud.endpoint(Product.RAM).orElseThrow());
    assertEquals(URI.create("https://kms.example.internal"), cloud.endpoint(Product.KMS).orElseThrow());
  }

  @Test
  void shouldLeaveRealEndpointsWhenNoOverrideIsGiven() {
    assertTrue(CloudOptions.settings(loader.load(Map.of(), List.of())).endpoints().isEmpty());
  }

  @Test
  void shouldRefuseABadFleetWhenTheConfigurationIsLoaded() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of(), List.of("--cloud.fleet=1000000000000002=acs:ram::1000000000000003:role/x")));
    assertTrue(e.getMessage().contains("cloud.fleet"), e.getMessage());
  }

  @Test
  void shouldRefuseAnEndpointThatIsNotAnHttpUrlWhenTheConfigurationIsLoaded() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of(), List.of("--cloud.endpoint.ram=127.0.0.1:18080")));
    assertTrue(e.getMessage().contains("cloud.endpoint.ram"), e.getMessage());
  }

  @Test
  void shouldParseTheFleetsMembers() {
    Settings settings = loader.load(Map.of(), List.of(
        "--cloud.fleet=1000000000000002=acs:ram::1000000000000002:role/leakguard,"
            + "1000000000000003=acs:ram::1000000000000003:role/leakguard"));

    assertEquals(2, CloudOptions.fleet(settings).members().size());
  }
}

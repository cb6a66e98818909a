package io.leakguard.remediator;

import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.config.Option;
import io.leakguard.runtime.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** The remediator service: {@code leakguard run remediator}. */
public final class RemediatorApp implements ServiceDefinition {

  public static final String NAME = "remediator";

  public static final Option<String> SECRET_NAME_TEMPLATE = new Option<>("kms.secret.name.template",
      "leakguard/{accountId}/{userName}", "name of the KMS secret holding a user's AccessKey",
      template -> {
        if (!template.contains("{userName}")) {
          throw new IllegalArgumentException("'" + template + "' must contain {userName}: one secret per RAM user");
        }
        return template;
      });

  public static void main(String[] args) {
    ServiceMain.run(new RemediatorApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-remediator";
  }

  @Override
  public List<Option<?>> options() {
    List<Option<?>> options = new ArrayList<>(CloudOptions.ALL);
    options.add(SECRET_NAME_TEMPLATE);
    return options;
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    CloudFleet fleet = resources.register(
        CloudFleet.fromDefaultChain(CloudOptions.settings(settings), CloudOptions.fleet(settings)));
    KeyRotation rotation = new KeyRotation(fleet, settings.get(SECRET_NAME_TEMPLATE), Clock.systemUTC());
    rotation.warmUp();
    return RemediatorTopology.build(topics, rotation);
  }
}

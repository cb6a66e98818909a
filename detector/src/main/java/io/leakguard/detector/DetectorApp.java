package io.leakguard.detector;

import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.config.Option;
import io.leakguard.runtime.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** The detector service: {@code leakguard run detector}. */
public final class DetectorApp implements ServiceDefinition {

  public static final String NAME = "detector";

  public static void main(String[] args) {
    ServiceMain.run(new DetectorApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-detector";
  }

  @Override
  public List<Option<?>> options() {
    return List.of();
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    return DetectorTopology.build(topics, new Scanner());
  }
}

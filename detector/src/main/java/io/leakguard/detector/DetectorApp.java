package io.leakguard.detector;

import io.leakguard.cloud.CloudOptions;
import io.leakguard.detector.intake.LivenessProbe;
import io.leakguard.detector.intake.StsLivenessProbe;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.RuntimeOptions;
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

  public static final Option<Boolean> LIVENESS = Option.bool("detector.liveness.check", true,
      "call STS GetCallerIdentity with each leaked pair found to learn whether it is live and whose it is");

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
    List<Option<?>> options = new java.util.ArrayList<>(CloudOptions.ALL);
    options.add(LIVENESS);
    return options;
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    LivenessProbe probe = LivenessProbe.OFF;
    if (settings.get(LIVENESS)) {
      StsLivenessProbe sts = new StsLivenessProbe(CloudOptions.settings(settings));
      sts.warmUp();
      probe = sts;
    }
    return DetectorTopology.build(topics, new Scanner(), probe, settings.get(RuntimeOptions.TOPICS_PARTITIONS));
  }
}

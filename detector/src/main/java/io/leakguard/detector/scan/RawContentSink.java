package io.leakguard.detector.scan;

import io.leakguard.schemas.edge.RawContent;

/** Where {@code leakguard scan --publish} sends the content of files with findings: the raw-content topic. */
interface RawContentSink extends AutoCloseable {

  /** Sends one file's content, keyed by its path, and waits until the broker has it. */
  void send(String key, RawContent content) throws Exception;

  @Override
  void close();

  /** Opens a sink from the command's options. */
  @FunctionalInterface
  interface Factory {
    RawContentSink open(String bootstrapServers, String topicPrefix);
  }
}

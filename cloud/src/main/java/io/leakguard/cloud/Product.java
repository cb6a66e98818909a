package io.leakguard.cloud;

/** The Alibaba Cloud products LeakGuard calls, with the product code and API version the V1 SDK uses. */
public enum Product {
  RAM("Ram", "2015-05-01"),
  STS("Sts", "2015-04-01"),
  KMS("Kms", "2016-01-20"),
  ACTIONTRAIL("Actiontrail", "2020-07-06"),
  /** Security Center; no V1 request classes exist for it, so it is called with the core SDK's CommonRequest. */
  SAS("Sas", "2018-12-03"),
  /** Identity management (AccessKey network access restriction policies); called with CommonRequest too. */
  IMS("Ims", "2019-08-15");

  private final String code;
  private final String version;

  Product(String code, String version) {
    this.code = code;
    this.version = version;
  }

  public String code() {
    return code;
  }

  public String version() {
    return version;
  }
}

package io.leakguard.cloud;

import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.PutSecretValueRequest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KMS Secrets Manager, where applications fetch their AccessKey: one secret per RAM user whose current version
 * ({@code ACSCurrent}) is {@code {"AccessKeyId":"...","AccessKeySecret":"..."}}.
 */
public final class KmsGateway {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final CloudCaller caller;

  public KmsGateway(CloudCaller caller) {
    this.caller = caller;
  }

  /**
   * Stores an AccessKey pair as the secret's new current version. The version ID makes a retry idempotent: the same
   * version with the same data succeeds again. Creates the secret when it does not exist yet.
   */
  public void storeAccessKey(String secretName, String versionId, String accessKeyId, Secret accessKeySecret)
      throws CloudException {
    String data = secretData(accessKeyId, accessKeySecret);
    PutSecretValueRequest put = new PutSecretValueRequest();
    put.setSecretName(secretName);
    put.setVersionId(versionId);
    put.setSecretData(data);
    put.setSecretDataType("text");
    try {
      caller.call(Product.KMS, put);
    } catch (CloudException e) {
      if (e.errorClass() != CloudErrorClass.NOT_FOUND) {
        throw e;
      }
      CreateSecretRequest create = new CreateSecretRequest();
      create.setSecretName(secretName);
      create.setVersionId(versionId);
      create.setSecretData(data);
      create.setSecretDataType("text");
      create.setDescription("AccessKey managed by LeakGuard");
      try {
        caller.call(Product.KMS, create);
      } catch (CloudException raced) {
        // Someone created it between our two calls: our version still has to land.
        if (raced.errorClass() != CloudErrorClass.CONFLICT) {
          throw raced;
        }
        caller.call(Product.KMS, put);
      }
    }
  }

  private static String secretData(String accessKeyId, Secret accessKeySecret) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("AccessKeyId", accessKeyId);
    data.put("AccessKeySecret", accessKeySecret.reveal());
    try {
      return JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot build secret data", e);
    }
  }
}

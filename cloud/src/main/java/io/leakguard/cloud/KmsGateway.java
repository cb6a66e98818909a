package io.leakguard.cloud;

import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.DescribeSecretRequest;
import com.aliyuncs.kms.model.v20160120.RotateSecretRequest;
import java.util.Optional;
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

  /** The secret's type (Generic, RAMCredentials, ...), or empty when it does not exist. */
  public Optional<String> secretType(String secretName) throws CloudException {
    DescribeSecretRequest request = new DescribeSecretRequest();
    request.setSecretName(secretName);
    try {
      return Optional.ofNullable(caller.call(Product.KMS, request).getSecretType());
    } catch (CloudException e) {
      if (e.errorClass() == CloudErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Rotates a RAMCredentials secret: KMS creates a new key for the user, deletes the old one and stores the new pair.
   * The version ID makes a retry a no-op.
   */
  public void rotateSecret(String secretName, String versionId) throws CloudException {
    RotateSecretRequest request = new RotateSecretRequest();
    request.setSecretName(secretName);
    request.setVersionId(versionId);
    caller.call(Product.KMS, request);
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

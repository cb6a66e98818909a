package io.leakguard.cloud;

import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.DescribeSecretRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueResponse;
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
    store(secretName, versionId, secretData(accessKeyId, accessKeySecret), "AccessKey managed by LeakGuard");
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

  /** The version of a secret that is {@code ACSCurrent}, the AccessKey ID it holds (null if none), its type. */
  public record CurrentVersion(String versionId, String accessKeyId, String secretType) {}

  /**
   * Which version of a secret is {@code ACSCurrent} and which AccessKey ID it holds, or empty when the secret does
   * not exist. Reads the value (GetSecretValue) to learn the key ID and drops the secret at once: a remediator that
   * resumes after a crash needs to know which of a user's keys applications fetch, and only KMS can tell.
   */
  public Optional<CurrentVersion> currentVersion(String secretName) throws CloudException {
    GetSecretValueRequest request = new GetSecretValueRequest();
    request.setSecretName(secretName);
    request.setVersionStage("ACSCurrent");
    GetSecretValueResponse response;
    try {
      response = caller.call(Product.KMS, request);
    } catch (CloudException e) {
      if (e.errorClass() == CloudErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    String keyId = null;
    try {
      var data = JSON.readTree(response.getSecretData() == null ? "{}" : response.getSecretData());
      keyId = data.path("AccessKeyId").isTextual() ? data.path("AccessKeyId").asText() : null;
    } catch (JsonProcessingException notJson) {
      // A secret that does not hold an AccessKey pair: the version is still worth knowing.
    }
    return Optional.of(new CurrentVersion(response.getVersionId(), keyId, response.getSecretType()));
  }

  /** The text of one version of a Generic secret, or empty when the secret or the version does not exist. */
  public Optional<String> textVersion(String secretName, String versionId) throws CloudException {
    GetSecretValueRequest request = new GetSecretValueRequest();
    request.setSecretName(secretName);
    request.setVersionId(versionId);
    try {
      return Optional.ofNullable(caller.call(Product.KMS, request).getSecretData());
    } catch (CloudException e) {
      if (e.errorClass() == CloudErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Stores a text (a record LeakGuard keeps, e.g. a role before it is changed) as a version of a Generic secret,
   * creating the secret when absent. The same version with the same data is an idempotent success.
   */
  public void storeText(String secretName, String versionId, String data) throws CloudException {
    store(secretName, versionId, data, "record kept by LeakGuard");
  }

  /** PutSecretValue, or CreateSecret when the secret does not exist yet; idempotent for the same version and data. */
  private void store(String secretName, String versionId, String data, String description) throws CloudException {
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
      create.setDescription(description);
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

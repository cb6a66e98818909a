package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ServerException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloudErrorsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "Throttling.User, THROTTLED",
      "Throttling, THROTTLED",
      "Rejected.Throttling, THROTTLED",
      "SDK.ServerUnreachable, RETRYABLE",
      "SDK.ReadTimeout, RETRYABLE",
      "EntityNotExist.User, NOT_FOUND",
      "EntityNotExist.User.AccessKey, NOT_FOUND",
      "Forbidden.ResourceNotFound, NOT_FOUND",
      "LimitExceeded.User.AccessKey, CONFLICT",
      "DeleteConflict.Role.Policy, CONFLICT",
      "Rejected.ResourceExist, CONFLICT",
      "NoPermission, DENIED",
      "InvalidAccessKeyId.NotFound, DENIED",
      "SignatureDoesNotMatch, DENIED",
      "InvalidParameter, FATAL"
  })
  void shouldClassifyClientErrorsByCode(String code, CloudErrorClass expected) {
    assertEquals(expected, CloudErrors.classify(new ClientException(code, "message", "req-1")).errorClass());
  }

  @ParameterizedTest(name = "{0} -> RETRYABLE")
  @CsvSource({"ServiceUnavailable", "InternalError", "SomethingNew"})
  void shouldRetryEveryServerError(String code) {
    assertEquals(CloudErrorClass.RETRYABLE,
        CloudErrors.classify(new ServerException(code, "message", "req-2")).errorClass());
  }
}

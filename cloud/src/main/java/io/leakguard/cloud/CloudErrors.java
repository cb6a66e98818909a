package io.leakguard.cloud;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ErrorType;
import com.aliyuncs.exceptions.ServerException;

/**
 * The one place that turns SDK exceptions into {@link CloudErrorClass}es. The SDK itself retries nothing by default
 * and never looks at error codes, so a {@code Throttling.User} sent with HTTP 400 is recognised here by its code.
 */
public final class CloudErrors {

  private CloudErrors() {}

  public static CloudException classify(ClientException e) {
    String code = e.getErrCode() == null ? "Unknown" : e.getErrCode();
    return new CloudException(classOf(e, code), code, e.getErrMsg(), e.getRequestId(), e);
  }

  static CloudErrorClass classOf(ClientException e, String code) {
    if (code.startsWith("Throttling") || code.equals("Rejected.Throttling") || code.equals("SDK.TriggerThrottlingPolicy")
        || code.contains("FlowControl")) {
      return CloudErrorClass.THROTTLED;
    }
    if (e instanceof ServerException || e.getErrorType() == ErrorType.Server
        || code.equals("SDK.ServerUnreachable") || code.equals("SDK.ReadTimeout")
        || code.equals("ServiceUnavailable") || code.equals("ServiceUnavailableTemporary")
        || code.equals("InternalError") || code.equals("InternalFailure") || code.equals("ServerError")) {
      return CloudErrorClass.RETRYABLE;
    }
    // DataNotExist: Security Center's code for missing data (an unknown leak record ID).
    if (code.startsWith("EntityNotExist") || code.equals("DataNotExist") || code.equals("Forbidden.ResourceNotFound")
        || code.equals("Forbidden.KeyNotFound")) {
      return CloudErrorClass.NOT_FOUND;
    }
    if (code.startsWith("EntityAlreadyExists") || code.startsWith("DeleteConflict") || code.startsWith("LimitExceeded")
        || code.equals("Rejected.ResourceExist") || code.equals("Rejected.ResourceInDeleteWindow")
        || code.equals("Rejected.LimitExceeded")) {
      return CloudErrorClass.CONFLICT;
    }
    if (code.startsWith("NoPermission") || code.startsWith("Forbidden") || code.startsWith("InvalidAccessKeyId")
        || code.equals("SignatureDoesNotMatch") || code.equals("InvalidSecurityToken.Expired")
        || code.startsWith("InvalidSecurityToken") || code.equals("SDK.InvalidAccessKeySecret")
        || code.equals("LeakGuard.NoCredentials")) {
      return CloudErrorClass.DENIED;
    }
    return CloudErrorClass.FATAL;
  }
}

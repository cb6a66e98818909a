package io.leakguard.cloud;

/** A failed cloud call, classified once here. The message carries the code and the service's message, no secrets. */
public final class CloudException extends Exception {

  private final CloudErrorClass errorClass;
  private final String code;
  private final String requestId;

  public CloudException(CloudErrorClass errorClass, String code, String message, String requestId, Throwable cause) {
    super(code + ": " + message + (requestId == null ? "" : " (request " + requestId + ")"), cause);
    this.errorClass = errorClass;
    this.code = code;
    this.requestId = requestId;
  }

  public CloudErrorClass errorClass() {
    return errorClass;
  }

  public String code() {
    return code;
  }

  public String requestId() {
    return requestId;
  }
}

package io.leakguard.emulator;

/**
 * A documented cloud error: the code, the HTTP status it travels with and a message.
 * Thrown by authentication, authorization, faults and actions; turned into the flat error body.
 */
final class ApiException extends RuntimeException {

    private final String code;
    private final int status;

    ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    static ApiException forbidden(String code, String message) {
        return new ApiException(403, code, message);
    }

    static ApiException missing(String parameter) {
        return badRequest("MissingParameter",
                "The input parameter \"" + parameter + "\" that is mandatory for processing this request is not supplied.");
    }

    static ApiException noPermission() {
        return forbidden("NoPermission", "You are not authorized to do this action. You should be authorized by RAM.");
    }
}

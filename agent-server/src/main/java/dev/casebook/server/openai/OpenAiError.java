package dev.casebook.server.openai;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * An error as OpenAI's API writes it, which OpenAI clients parse: {@code {"error": {"message", "type", "param",
 * "code"}}}. The type follows the status as OpenAI's does ({@code invalid_request_error} for the client's mistakes,
 * {@code server_error} for 5xx); the code is a stable word for what failed.
 */
record OpenAiError(int status, String message, String type, String param, String code) {
    /** Problem-detail properties that carry the OpenAI error's {@code param} and {@code code}. */
    static final String PARAM = "param";
    static final String CODE = "code";

    OpenAiError {
        message = message == null || message.isBlank() ? "error " + status : message;
    }

    /** The OpenAI form of problem details ({@code application/problem+json}), keeping its param and code if any. */
    static OpenAiError of(JsonNode problem, int status) {
        String detail = "";
        for (String field : new String[] {"detail", "message", "title", "error"}) { // the error page's JSON too
            if (detail.isBlank() && problem.path(field).isString()) {
                detail = problem.path(field).asString();
            }
        }
        String param = problem.path(PARAM).isString() ? problem.path(PARAM).asString() : null;
        String code = problem.path(CODE).isString() ? problem.path(CODE).asString() : codeOf(status);
        return new OpenAiError(status, detail, typeOf(status), param, code);
    }

    /** The body, as OpenAI sends it. */
    Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }

    static String typeOf(int status) {
        if (status == 401) {
            return "authentication_error";
        }
        if (status == 403) {
            return "permission_error";
        }
        if (status == 404) {
            return "not_found_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    static String codeOf(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "invalid_api_key";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "server_error" : "invalid_request";
        };
    }
}

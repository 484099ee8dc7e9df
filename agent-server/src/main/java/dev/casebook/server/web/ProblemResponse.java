package dev.casebook.server.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@code application/problem+json} answer written straight to the servlet response, for the places that answer
 * before Spring MVC does (filters, the error page, Tomcat's own error report).
 */
public record ProblemResponse(int status, String detail) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ProblemResponse {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has a 4xx or 5xx status, was " + status);
        }
        detail = detail == null || detail.isBlank() ? title(status) : detail;
    }

    public static ProblemResponse of(HttpStatus status, String detail) {
        return new ProblemResponse(status.value(), detail);
    }

    /** The JSON body: {@code type}, {@code title}, {@code status}, {@code detail}, as Spring's ProblemDetail has them. */
    public byte[] body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        return JSON.writeValueAsBytes(body);
    }

    /** Sets the status and content type and writes the body, unless the response was committed already. */
    public void send(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        byte[] body = body();
        response.setContentLength(body.length);
        OutputStream out = response.getOutputStream();
        out.write(body);
        out.flush();
    }

    static String title(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Error " + status : known.getReasonPhrase();
    }
}

package dev.casebook.server.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's own error report as {@code application/problem+json} instead of an HTML page: the errors Tomcat answers
 * before the request reaches the application, such as a path with {@code %00} or an encoded {@code /} ({@code %2F})
 * or a request line or header too large to parse. Everything the application answers is left alone.
 */
final class ProblemReportValve extends ErrorReportValve {
    private static final Logger log = LoggerFactory.getLogger(ProblemReportValve.class);

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        ProblemResponse problem = new ProblemResponse(status, detail(status, response.getMessage()));
        try {
            response.setContentType("application/problem+json");
            byte[] body = problem.body();
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            log.debug("could not write the error report of a {} response: {}", status, e.toString());
        }
    }

    private static String detail(int status, String message) {
        if (status == 400) {
            return "the request cannot be parsed" + (message == null || message.isBlank() ? "" : " (" + message + ")")
                    + ": a path may not hold %00, an encoded '/' (%2F) or '\\' (%5C), or bytes that are not UTF-8, and"
                    + " the request line and headers must fit the server's limit";
        }
        return message == null || message.isBlank() ? ProblemResponse.title(status) : message;
    }
}

package dev.casebook.server.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The servlet container's error page ({@code /error}) as {@code application/problem+json}, in place of Spring Boot's
 * default JSON: what neither a controller nor {@link ProblemHandler} answered (an exception thrown in a filter, a
 * {@code sendError}) is still a problem. A 5xx says no more than that the log has the cause.
 */
@Controller
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
        String detail;
        if (status >= 500) {
            detail = ProblemHandler.INTERNAL_DETAIL;
        } else {
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            detail = message instanceof String m && !m.isBlank() ? m
                    : exception instanceof Throwable t && t.getMessage() != null ? t.getMessage()
                    : HttpStatus.valueOf(status).getReasonPhrase();
        }
        new ProblemResponse(status, detail).send(response);
    }
}

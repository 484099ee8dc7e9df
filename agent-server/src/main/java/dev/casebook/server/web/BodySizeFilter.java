package dev.casebook.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Refuses {@code /api/**} bodies larger than {@code casebook.api.max-body-bytes} with 413 problem details. */
@Component
@Order(0)
class BodySizeFilter extends OncePerRequestFilter {
    private final ApiSettings settings;

    BodySizeFilter(ApiSettings settings) {
        this.settings = settings;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/")
                || (type != null && type.startsWith("multipart/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > settings.maxBodyBytes()) {
            response.setStatus(413);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,"
                    + "\"detail\":\"the request body has " + length + " bytes, more than the limit of "
                    + settings.maxBodyBytes() + " (casebook.api.max-body-bytes)\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}

package dev.casebook.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits request bodies to {@code casebook.api.max-body-bytes}: a declared larger length is refused at once with 413
 * problem details, and every body is counted as it is read, so a chunked one fails the read past the limit
 * ({@link BodyTooLargeException}, answered 413 by {@link ProblemHandler}). Every path is limited, however it is
 * spelled; multipart uploads are limited by {@code spring.servlet.multipart.max-request-size} instead.
 */
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
        return type != null && type.regionMatches(true, 0, "multipart/", 0, 10);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > settings.maxBodyBytes()) {
            ProblemResponse.of(HttpStatus.CONTENT_TOO_LARGE, "the request body has " + length
                    + " bytes, more than the limit of " + settings.maxBodyBytes() + " (casebook.api.max-body-bytes)")
                    .send(response);
            return;
        }
        chain.doFilter(new LimitedRequest(request, settings.maxBodyBytes()), response);
    }
}

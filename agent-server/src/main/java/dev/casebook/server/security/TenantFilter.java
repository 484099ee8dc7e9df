package dev.casebook.server.security;

import dev.casebook.server.web.ApiPath;
import dev.casebook.server.web.ProblemResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code /api/**} and {@code /v1/**} (the OpenAI-compatible API) requests by
 * {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} and puts the key's tenant in the request
 * ({@link CurrentTenant#ATTRIBUTE}). With auth off, every request is tenant {@code default}. Whether a request is for
 * the API is read from its path as Spring MVC routes it ({@link ApiPath}): encoded or {@code ;}-parameter spellings of
 * {@code /api} and {@code /v1} are filtered like the plain ones. Other paths (UI, actuator,
 * OpenAPI) are not filtered.
 */
@Component
@Order(1)
class TenantFilter extends OncePerRequestFilter {
    private final SecuritySettings settings;
    private final ApiKeys keys;

    TenantFilter(SecuritySettings settings, ApiKeys keys) {
        this.settings = settings;
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ApiPath.matches(request);
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request) && request.getAttribute(CurrentTenant.ATTRIBUTE) != null) {
            // the same request again (an SSE stream that completed): its key was resolved on the first pass, and
            // only this filter sets the attribute, so hashing and looking the key up again would change nothing
            chain.doFilter(request, response);
            return;
        }
        if (!settings.enabled()) {
            request.setAttribute(CurrentTenant.ATTRIBUTE, CurrentTenant.DEFAULT);
            chain.doFilter(request, response);
            return;
        }
        Optional<String> key = key(request);
        if (key.isEmpty()) {
            unauthorized(response, "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
            return;
        }
        Optional<String> tenant = keys.tenantOf(key.get());
        if (tenant.isEmpty()) {
            unauthorized(response, "the API key is not known");
            return;
        }
        request.setAttribute(CurrentTenant.ATTRIBUTE, tenant.get());
        chain.doFilter(request, response);
    }

    private static Optional<String> key(HttpServletRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).isBlank()) {
            return Optional.of(auth.substring(7).trim());
        }
        String header = request.getHeader("X-API-Key");
        return header == null || header.isBlank() ? Optional.empty() : Optional.of(header.trim());
    }

    private static void unauthorized(HttpServletResponse response, String detail) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        ProblemResponse.of(HttpStatus.UNAUTHORIZED, detail).send(response);
    }
}

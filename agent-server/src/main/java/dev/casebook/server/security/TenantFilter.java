package dev.casebook.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code /api/**} requests by {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} and
 * puts the key's tenant in the request ({@link CurrentTenant#ATTRIBUTE}). With auth off, every request is tenant
 * {@code default}. Other paths (UI, actuator, OpenAPI) are not filtered.
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
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
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
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/problem+json");
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\""
                + detail.replace("\"", "'") + "\"}");
    }
}

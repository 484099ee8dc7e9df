package dev.casebook.server.security;

import dev.casebook.server.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A second line behind {@link TenantFilter}: a handler that Spring MVC routes under {@code /api/**} or {@code /v1/**}
 * never runs for a request the filter did not authenticate, whatever spelling of the path got it there (401 problem).
 */
@Configuration(proxyBeanMethods = false)
class KeyBackstop implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (request.getAttribute(CurrentTenant.ATTRIBUTE) == null) {
                    throw new ApiException(HttpStatus.UNAUTHORIZED, "an API key is required: send 'Authorization:"
                            + " Bearer <key>' or 'X-API-Key: <key>'");
                }
                return true;
            }
        }).addPathPatterns("/api/**", "/v1/**");
    }
}

package dev.casebook.server.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a query string that decodes to U+0000 ({@code %00}) before any handler reads it, as request bodies are
 * ({@link RequestTextAdvice}); percent-decoding cannot produce an unpaired surrogate, and Tomcat refuses {@code %00}
 * in the path itself.
 */
@Configuration(proxyBeanMethods = false)
class QueryText implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                String query = request.getQueryString();
                if (query != null && (query.indexOf('\0') >= 0
                        || query.toLowerCase(Locale.ROOT).contains("%00"))) {
                    throw ApiException.badRequest("the query string contains U+0000 (%00); parameters may not contain"
                            + " it");
                }
                return true;
            }
        });
    }
}

package dev.casebook.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Every {@code /api} route the server maps, read from its handler mappings: new routes are tested as they come. */
record ApiRoutes(List<Route> routes) {

    /** One method and path pattern, such as {@code POST /api/tasks/{id}/cancel}. */
    record Route(String method, String pattern) {
        /** The pattern with {@code {id}} and the other variables filled in. */
        String path(String id) {
            return pattern.replaceAll("\\{[^}]+}", id);
        }

        boolean hasBody() {
            return method.equals("POST") || method.equals("PATCH") || method.equals("PUT");
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    static ApiRoutes of(RequestMappingHandlerMapping mapping) {
        List<Route> routes = new ArrayList<>();
        mapping.getHandlerMethods().forEach((info, handler) -> {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                if (methods.isEmpty()) {
                    routes.add(new Route("GET", pattern));
                }
                methods.forEach(m -> routes.add(new Route(m.name(), pattern)));
            }
        });
        return new ApiRoutes(List.copyOf(routes));
    }
}

package dev.casebook.server.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

/**
 * Whether a request is for the REST API ({@code /api/**}), read from its path as Spring MVC matches it: segment by
 * segment, percent-decoded, without {@code ;} parameters. {@code /%61pi/status} and {@code /api;x=1/status} reach the
 * {@code /api/status} handler, so they are API requests here too; a test of the raw URI's prefix would let them pass
 * the filters that guard the API. Empty segments are skipped and the name is compared ignoring case: a path that
 * guards too much only costs its caller a 401.
 */
public final class ApiPath {
    private static final String API = "api";

    private ApiPath() {
    }

    public static boolean matches(HttpServletRequest request) {
        RequestPath path;
        try {
            path = RequestPath.parse(request.getRequestURI(), request.getContextPath());
        } catch (IllegalArgumentException e) {
            return true; // a path MVC cannot read either: guard it
        }
        for (PathContainer.Element element : path.pathWithinApplication().elements()) {
            if (element instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
                return segment.valueToMatch().equalsIgnoreCase(API);
            }
        }
        return false;
    }
}

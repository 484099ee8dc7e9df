package dev.casebook.server.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

/**
 * Whether a request is for the REST API ({@code /api/**}) or the OpenAI-compatible API ({@code /v1/**}), read from its
 * path as Spring MVC matches it: segment by
 * segment, percent-decoded, without {@code ;} parameters. {@code /%61pi/status} and {@code /api;x=1/status} reach the
 * {@code /api/status} handler, so they are API requests here too; a test of the raw URI's prefix would let them pass
 * the filters that guard the API. Empty segments are skipped and the name is compared ignoring case: a path that
 * guards too much only costs its caller a 401.
 */
public final class ApiPath {
    private static final String API = "api";
    private static final String OPENAI = "v1";

    private ApiPath() {
    }

    /** A request for {@code /api/**} or {@code /v1/**}. */
    public static boolean matches(HttpServletRequest request) {
        String first = firstSegment(request.getRequestURI(), request.getContextPath());
        return first == null || first.equalsIgnoreCase(API) || first.equalsIgnoreCase(OPENAI);
    }

    /** A request path (e.g. the original one of an error page) under {@code /v1/**}, the OpenAI-compatible API. */
    public static boolean openAi(String uri, String contextPath) {
        String first = firstSegment(uri, contextPath);
        return first != null && first.equalsIgnoreCase(OPENAI);
    }

    /** The first non-empty segment as MVC matches it; empty when none; null when MVC cannot read the path. */
    private static String firstSegment(String uri, String contextPath) {
        RequestPath path;
        try {
            path = RequestPath.parse(uri, contextPath);
        } catch (IllegalArgumentException e) {
            return null; // a path MVC cannot read either: guard it
        }
        for (PathContainer.Element element : path.pathWithinApplication().elements()) {
            if (element instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
                return segment.valueToMatch();
            }
        }
        return "";
    }
}

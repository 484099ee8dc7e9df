package dev.casebook.server.security;

/** The request attribute holding the authenticated tenant of an {@code /api/**} request. */
public final class CurrentTenant {
    public static final String ATTRIBUTE = "casebook.tenant";
    public static final String DEFAULT = "default";

    private CurrentTenant() {
    }
}

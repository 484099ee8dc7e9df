package dev.casebook.tools.code;

/** How strongly the operating system separates a sandboxed run from the server; the best one that works is used. */
public enum Isolation {
    /**
     * Run as root: new network, mount and PID namespaces, a fresh root file system with only the system directories
     * (read-only) and the workspace, the code running as user {@code nobody}.
     */
    NAMESPACES("no network (own network namespace), only system directories (read-only) and the workspace visible "
            + "(own mount namespace), own process namespace, running as user nobody"),
    /** Run unprivileged: the same namespaces inside a user namespace, the code keeping the server's user id outside. */
    USER_NAMESPACES("no network (own network namespace), only system directories (read-only) and the workspace "
            + "visible (own mount namespace), own process namespace, inside a user namespace"),
    /** No namespaces available: resource limits and a minimal environment only. */
    LIMITS_ONLY("resource limits and a minimal environment only: the network and the server's files are NOT "
            + "isolated (no namespaces available on this system)");

    private final String description;

    Isolation(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}

package dev.casebook.tools.code;

/** How strongly the operating system separates a sandboxed run from the server; the best one that works is used. */
public enum Isolation {
    /**
     * Run as root: new network, mount, PID, IPC and UTS namespaces, a fresh root file system with only the system
     * directories (read-only) and the workspace (a file system of limited size), the code running as user
     * {@code nobody}.
     */
    NAMESPACES("no network (own network namespace), only system directories (read-only) and the workspace visible "
            + "(own mount namespace; the workspace a file system of limited size), own process, System V IPC and "
            + "host name namespaces, running as user nobody"),
    /** Run unprivileged: the same namespaces inside a user namespace, the code keeping the server's user id outside. */
    USER_NAMESPACES("no network (own network namespace), only system directories (read-only) and the workspace "
            + "visible (own mount namespace; the workspace a file system of limited size), own process, System V "
            + "IPC and host name namespaces, inside a user namespace"),
    /** No namespaces available: resource limits and a minimal environment only. */
    LIMITS_ONLY("resource limits and a minimal environment only: the network and the server's files are NOT "
            + "isolated, System V IPC is shared with the host and the workspace size is not limited (no namespaces "
            + "available on this system)");

    private final String description;

    Isolation(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}

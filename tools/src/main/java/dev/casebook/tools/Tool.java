package dev.casebook.tools;

import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * A capability the executor LLM can call.
 *
 * <p>Failure policy: an expected failure (bad arguments, a 404, a timeout) is returned as {@link ToolResult.Failed}
 * with text the model can act on; an infrastructure failure (the sandbox cannot start, the disk is full) is thrown as
 * {@link ToolInfrastructureException} and recorded on the step. Implementations are thread-safe.
 */
public interface Tool {

    /** Name, description and JSON schema of the arguments, as shown to the model. */
    ToolSpecification specification();

    default String name() {
        return specification().name();
    }

    ToolResult execute(ToolInvocation invocation);

    /**
     * Whether the tenant may use this tool at all. A tool a tenant may not use is hidden from its tasks (not offered
     * to the model, not listed to the planner); it must still refuse such a tenant's calls. Default: every tenant.
     */
    default boolean availableTo(String tenant) {
        return true;
    }
}

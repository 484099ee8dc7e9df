package dev.casebook.server.agent;

/** The result of one executed subtask, as the planner and the answer step see it. */
record Finding(int subtask, String description, String result) {

    static String describe(java.util.List<Finding> findings) {
        if (findings.isEmpty()) {
            return "(nothing was found yet)\n";
        }
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            out.append("Subtask ").append(f.subtask()).append(": ").append(f.description()).append('\n')
                    .append("Result: ").append(f.result()).append("\n\n");
        }
        return out.toString();
    }
}

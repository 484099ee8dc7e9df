package dev.casebook.server.sandboxtasks;

/**
 * What the generator is told of the real task a slot practises ({@code seedFrom}): write a checkable practice task
 * that trains the same skill; with {@code curriculum.harder}, a variation harder than the ones before it.
 */
final class SeedPrompt {
    static final String SEED = """
            The agent got this real task wrong, or only sometimes right:
            %s
            Write a practice task that trains the same skill in the workspace and can be checked by a program; do not \
            copy the real task.""";

    static final String HARDER = """
            This is practice variation %d for that task: make it harder than the variations before it (more steps, \
            more edge cases).""";

    private SeedPrompt() {
    }

    static String of(JobOptions.Seed seed, boolean harder) {
        String text = SEED.formatted(oneParagraph(seed.task()));
        return harder && seed.variation() > 0 ? text + "\n" + HARDER.formatted(seed.variation() + 1) : text;
    }

    private static String oneParagraph(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 1_500 ? line : line.substring(0, 1_500) + "...";
    }
}

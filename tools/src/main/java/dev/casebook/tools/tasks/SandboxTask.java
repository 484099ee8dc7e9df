package dev.casebook.tools.tasks;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A generated task that a sandbox can check: what the agent is told, the input files placed in its workspace, a
 * validator (a Python program that inspects the workspace and the final answer and exits 0 when the task is solved),
 * a reference solution (a Python program that solves it; what it prints is its final answer) and the generator's
 * estimate of its difficulty. The messages of the checks below are meant for the generator to correct its reply.
 *
 * @param files relative path (letters, digits, {@code . _ -}, segments separated by {@code /}) to text content
 */
public record SandboxTask(String statement, Map<String, String> files, String validator, String reference,
                          int difficulty) {
    public static final int MIN_DIFFICULTY = 1;
    public static final int MAX_DIFFICULTY = 5;
    public static final int MAX_STATEMENT_CHARS = 4_000;
    public static final int MAX_FILES = 20;
    public static final int MAX_FILE_CHARS = 200_000;
    public static final int MAX_PROGRAM_CHARS = 50_000;
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_.-]{1,100}(/[A-Za-z0-9_.-]{1,100}){0,4}");

    public SandboxTask {
        statement = text("statement", statement, MAX_STATEMENT_CHARS);
        Objects.requireNonNull(files, "files");
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException("'files' has " + files.size() + " files; at most " + MAX_FILES);
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            checkPath(file.getKey());
            if (file.getValue() == null) {
                throw new IllegalArgumentException("file '" + file.getKey() + "' has no content");
            }
            if (file.getValue().length() > MAX_FILE_CHARS) {
                throw new IllegalArgumentException("file '" + file.getKey() + "' has " + file.getValue().length()
                        + " characters; at most " + MAX_FILE_CHARS);
            }
        }
        files = Collections.unmodifiableMap(new TreeMap<>(files));
        for (String path : files.keySet()) {
            for (String other : files.keySet()) {
                if (other.startsWith(path + "/")) {
                    throw new IllegalArgumentException("'" + path + "' cannot be a file and the directory of '" + other
                            + "' at once");
                }
            }
        }
        validator = text("validator", validator, MAX_PROGRAM_CHARS);
        reference = text("reference", reference, MAX_PROGRAM_CHARS);
        if (difficulty < MIN_DIFFICULTY || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException("'difficulty' must be within [" + MIN_DIFFICULTY + ", "
                    + MAX_DIFFICULTY + "], was " + difficulty);
        }
    }

    private static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must not be blank");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException("'" + field + "' has " + value.length() + " characters; at most " + max);
        }
        return value;
    }

    private static void checkPath(String path) {
        if (path == null || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("file path '" + path + "' must be relative: letters, digits and . _ -"
                    + " in at most 5 segments separated by /");
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("file path '" + path + "' must not contain '.' or '..' segments");
            }
        }
    }
}

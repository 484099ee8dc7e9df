package dev.casebook.server.tasks;

import java.util.List;

/** One page of a tenant's tasks, newest first. */
record TaskPage(List<TaskView> items, int page, int size, long total) {
}

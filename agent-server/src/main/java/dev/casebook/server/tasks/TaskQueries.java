package dev.casebook.server.tasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.TaskKey;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.Conversation;
import dev.casebook.server.agent.MemoryBanks;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.web.ApiException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read side of the run records of tasks ({@code tasks}, {@code task_steps}, {@code task_selected_cases}): views
 * of a tenant's tasks, a task's steps and selected cases, and the spec any replica rebuilds to run a task. Reads by
 * tenant and id find nothing of another tenant. The writes are {@link TaskStore}'s.
 */
@Component
public class TaskQueries {
    /** The columns a {@link TaskView} is made of. */
    private static final String VIEW_COLUMNS = """
            t.id, t.text, t.status, t.answer, t.reason, t.detail, t.reward, t.reward_by, t.tokens, t.case_id,
            t.created_at, t.started_at, t.finished_at, t.memory_mode, t.policy, t.attachments, t.source, t.attempt,
            t.cancel_requested_at, t.bank, t.banks, t.tokens_estimated""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final AttachmentLookup attachments;
    private final KnownTasks known;

    TaskQueries(JdbcTemplate jdbc, ObjectMapper json, AttachmentLookup attachments, KnownTasks known) {
        this.jdbc = jdbc;
        this.json = json;
        this.attachments = attachments;
        this.known = known;
    }

    /**
     * The task's spec rebuilt from its record, as the instance that received it built it (any replica may run it);
     * attachments are found again by id, so replicas must share {@code casebook.attachments.dir}.
     *
     * @throws IllegalStateException when there is no such task, or one of its attachments is gone
     */
    public TaskSpec spec(String id) {
        List<TaskSpec> specs = jdbc.query("""
                SELECT id, tenant, text, memory_mode, policy, budgets, attachments, origin, exclude_origins,
                    exclude_tasks, source, conversation, bank, banks
                FROM tasks WHERE id = ?""", (rs, n) -> spec(rs), id);
        if (specs.isEmpty()) {
            throw new IllegalStateException("no task '" + id + "'");
        }
        return specs.getFirst();
    }

    private TaskSpec spec(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String tenant = rs.getString("tenant");
        List<Path> files = new ArrayList<>();
        for (String attachment : json.readValue(rs.getString("attachments"), String[].class)) {
            files.add(attachments.path(tenant, attachment).orElseThrow(() -> new IllegalStateException(
                    "attachment '" + attachment + "' of task '" + id + "' no longer exists")));
        }
        Set<TaskKey> excludeTasks = new HashSet<>();
        for (String hex : json.readValue(rs.getString("exclude_tasks"), String[].class)) {
            excludeTasks.add(new TaskKey(hex));
        }
        String conversation = rs.getString("conversation");
        return TaskSpec.of(id, tenant, rs.getString("text")).withAttachments(files)
                .withMemoryMode(MemoryMode.parse(rs.getString("memory_mode"))).withPolicy(rs.getString("policy"))
                .withBudgets(json.readValue(rs.getString("budgets"), Budgets.class))
                .withOrigin(rs.getString("origin"))
                .withExcludeOrigins(Set.of(json.readValue(rs.getString("exclude_origins"), String[].class)))
                .withExcludeTasks(excludeTasks).withSource(CaseSource.parse(rs.getString("source")))
                .withConversation(conversation == null ? Conversation.NONE
                        : json.readValue(conversation, Conversation.class))
                .withBanks(new MemoryBanks(rs.getString("bank"),
                        Set.of(json.readValue(rs.getString("banks"), String[].class))));
    }

    /** The task's last step number (0 when it has none). */
    public int lastSeq(String taskId) {
        Integer last = jdbc.queryForObject("SELECT COALESCE(MAX(seq), 0) FROM task_steps WHERE task_id = ?",
                Integer.class, taskId);
        return last == null ? 0 : last;
    }

    public Optional<TaskView> find(String tenant, String id) {
        List<TaskView> views = views("SELECT " + VIEW_COLUMNS + " FROM tasks t WHERE t.id = ? AND t.tenant = ?", id,
                tenant);
        return views.stream().findFirst();
    }

    /**
     * Checks that the tenant has the task, reading only its key: a 404 naming it otherwise (tasks of other tenants
     * are not found either). A task submitted here or found before is known ({@link KnownTasks}) and not asked again.
     */
    public void requireExists(String tenant, String id) {
        if (known.contains(tenant, id)) {
            return;
        }
        if (jdbc.queryForList("SELECT 1 FROM tasks WHERE id = ? AND tenant = ?", Integer.class, id, tenant)
                .isEmpty()) {
            throw ApiException.notFound("task", id);
        }
        known.add(tenant, id);
    }

    /** The task, or a 404 naming it; tasks of other tenants are not found either. */
    public TaskView get(String tenant, String id) {
        return find(tenant, id).orElseThrow(() -> ApiException.notFound("task", id));
    }

    /** A page of the tenant's tasks, newest first; {@code status} and {@code source} null for any. */
    public TaskPage list(String tenant, TaskStatus status, CaseSource source, int page, int size) {
        StringBuilder where = new StringBuilder(" FROM tasks t WHERE t.tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (status != null) {
            where.append(" AND t.status = ?");
            args.add(status.name());
        }
        if (source != null) {
            where.append(" AND t.source = ?");
            args.add(source.wireName());
        }
        Long total = jdbc.queryForObject("SELECT COUNT(*)" + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<TaskView> items = views("SELECT " + VIEW_COLUMNS + where + " ORDER BY t.created_at DESC LIMIT ? OFFSET ?",
                pageArgs.toArray());
        return new TaskPage(items, page, size, total == null ? 0 : total);
    }

    /** The task's steps after {@code afterSeq}, in order, as the API shows them. */
    public List<Object> steps(String taskId, int afterSeq) {
        return jdbc.query("""
                SELECT seq, type, phase, payload, tokens, millis, at FROM task_steps WHERE task_id = ? AND seq > ?
                ORDER BY seq""", (rs, n) -> StepJson.view(json, new StepJson.Row(rs.getInt("seq"),
                rs.getString("type"), rs.getString("phase"), rs.getString("payload"), rs.getLong("tokens"),
                rs.getLong("millis"), instant(rs, "at"))), taskId, afterSeq);
    }

    /** A step as {@link #steps} shows it once recorded, for the events sent while it is being recorded. */
    ObjectNode stepView(String taskId, int seq, Step step) {
        return StepJson.view(json, new StepJson.Row(seq, StepJson.type(step), step.phase(),
                StepJson.payload(json, step), step.tokens(), step.millis(), Instant.now()));
    }

    /**
     * The cases selected for a task as {@link MemoryFeedback} credits them: with the label and counts they had when
     * they were selected (none for rows recorded before those were kept).
     */
    public List<MemoryFeedback.Credit> credits(String taskId) {
        return jdbc.query("""
                SELECT case_id, score, role, label, uses, successes FROM task_selected_cases WHERE task_id = ?
                ORDER BY position""", (rs, n) -> new MemoryFeedback.Credit(rs.getString("case_id"),
                rs.getDouble("score"), rs.getString("role"), rs.getString("label"), integer(rs, "uses"),
                integer(rs, "successes")), taskId);
    }

    /** Which of these ids are tasks of the tenant (evidence events name their episode; a task's page can be linked). */
    public Set<String> existing(String tenant, List<String> ids) {
        List<String> distinct = ids.stream().filter(id -> id != null && !id.isBlank()).distinct().limit(1000).toList();
        if (distinct.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(",", Collections.nCopies(distinct.size(), "?"));
        List<Object> args = new ArrayList<>();
        args.add(tenant);
        args.addAll(distinct);
        return Set.copyOf(jdbc.queryForList("select id from tasks where tenant = ? and id in (" + marks + ")",
                String.class, args.toArray()));
    }

    /** Views of the tasks the query selects ({@link #VIEW_COLUMNS}), in its order, with their selected cases. */
    private List<TaskView> views(String sql, Object... args) {
        List<Row> rows = jdbc.query(sql, (rs, n) -> row(rs), args);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, List<TaskView.Selected>> picks = new LinkedHashMap<>();
        rows.forEach(r -> picks.put(r.id(), new ArrayList<>()));
        String marks = String.join(",", Collections.nCopies(rows.size(), "?"));
        jdbc.query("SELECT task_id, case_id, score, role, task, label FROM task_selected_cases WHERE task_id IN ("
                + marks + ") ORDER BY task_id, position", rs -> {
                    picks.get(rs.getString("task_id")).add(new TaskView.Selected(rs.getString("case_id"),
                            rs.getDouble("score"), rs.getString("role"), rs.getString("task"),
                            rs.getString("label")));
                }, rows.stream().map(Row::id).toArray());
        return rows.stream().map(r -> r.view(List.copyOf(picks.get(r.id())))).toList();
    }

    private Row row(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String text = rs.getString("text");
        String status = TaskStatus.valueOf(rs.getString("status")).wireName();
        String answer = rs.getString("answer");
        String reason = rs.getString("reason");
        String detail = rs.getString("detail");
        Double reward = rs.getObject("reward", Double.class);
        String rewardBy = rs.getString("reward_by");
        long tokens = rs.getLong("tokens");
        String caseId = rs.getString("case_id");
        Instant createdAt = instant(rs, "created_at");
        Instant startedAt = instant(rs, "started_at");
        Instant finishedAt = instant(rs, "finished_at");
        String memoryMode = rs.getString("memory_mode");
        String policy = rs.getString("policy");
        String[] files = json.readValue(rs.getString("attachments"), String[].class);
        String source = rs.getString("source");
        int attempt = rs.getInt("attempt");
        Instant cancelRequestedAt = instant(rs, "cancel_requested_at");
        boolean tokensEstimated = rs.getBoolean("tokens_estimated");
        String bank = rs.getString("bank");
        String[] banks = json.readValue(rs.getString("banks"), String[].class);
        return new Row(id, selected -> new TaskView(id, text, status, answer, reason, detail, reward, rewardBy, tokens,
                caseId, selected, createdAt, startedAt, finishedAt, memoryMode, policy, files, source, attempt,
                cancelRequestedAt, tokensEstimated, bank, banks));
    }

    /** A task's row, made a view once its selected cases are read. */
    private record Row(String id, Function<List<TaskView.Selected>, TaskView> view) {
        TaskView view(List<TaskView.Selected> selected) {
            return view.apply(selected);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}

package dev.casebook.server.synthesis;

import dev.casebook.server.agent.SourceGate;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.RunModels;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The experience model's measured fidelity per tenant ({@link FidelityProbe}), stored with every measurement, and the
 * gate it sets: a tenant's tasks are shown synthetic cases only while the latest measured reward agreement is at
 * least {@code casebook.synthesis.min-reward-agreement}. A tenant never measured, or whose measurement re-judged no
 * episode, is not gated. Each instance re-reads a tenant's latest measurement at most every {@value #REFRESH_SECONDS}
 * seconds, at once after measuring it itself.
 */
@Component
class Fidelity implements SourceGate {
    static final int REFRESH_SECONDS = 5;
    static final int MAX_SAMPLES = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final ReplayTransitions buffer;
    private final ReplayRecords replay;
    private final RunModels models;
    private final SynthesisSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Cached> agreements = new ConcurrentHashMap<>();

    private record Cached(Double agreement, Instant read) {
    }

    Fidelity(JdbcTemplate jdbc, ReplayTransitions buffer, ReplayRecords replay, RunModels models,
            SynthesisSettings settings) {
        this.jdbc = jdbc;
        this.buffer = buffer;
        this.replay = replay;
        this.models = models;
        this.settings = settings;
    }

    /**
     * Measures the tenant's fidelity now and stores it.
     *
     * @throws IllegalArgumentException for a bad model choice (a client mistake)
     */
    Map<String, Object> measure(String tenant, int observations, int episodes, Map<String, String> choices)
            throws InterruptedException {
        DreamModels dream = DreamModels.of(models, models.choose(choices, ModelRole.DREAM), settings);
        buffer.ingest();
        FidelityProbe probe = new FidelityProbe(dream.experience(), buffer, settings.groundingExamples(),
                settings.callTimeout());
        Map<String, Object> observation = probe.observations(tenant, replay.newest(tenant, observations));
        Map<String, Object> reward = probe.rewards(episodes(tenant, "real", episodes));
        Map<String, Object> sandbox = probe.rewards(episodes(tenant, "sandbox", episodes));
        int samples = (Integer) reward.get("samples") + (Integer) sandbox.get("samples");
        Double agreement = samples == 0 ? null
                : (weighted(reward) + weighted(sandbox)) / samples;
        Instant now = clock.instant();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("id", UUID.randomUUID().toString());
        report.put("measuredAt", now.toString());
        report.put("model", dream.experienceClient().settings().model());
        report.put("observation", observation);
        report.put("reward", reward);
        report.put("sandbox", sandbox);
        report.put("rewardAgreement", agreement);
        report.put("rewardSamples", samples);
        jdbc.update("INSERT INTO synthesis_fidelity (id, tenant, measured_at, reward_agreement, reward_samples, report)"
                + " VALUES (?, ?, ?, ?, ?, ?)", report.get("id"), tenant, Timestamp.from(now), agreement, samples,
                JSON.writeValueAsString(report));
        agreements.put(tenant, new Cached(agreement, now));
        return withGate(report, agreement);
    }

    /** The tenant's latest measurement with the gate it sets; empty when it was never measured. */
    Optional<Map<String, Object>> latest(String tenant) {
        return jdbc.query("SELECT report, reward_agreement FROM synthesis_fidelity WHERE tenant = ?"
                        + " ORDER BY measured_at DESC LIMIT 1", (rs, n) -> withGate(
                        JSON.readValue(rs.getString("report"), new TypeReference<Map<String, Object>>() { }),
                        rs.getObject("reward_agreement", Double.class)), tenant).stream().findFirst();
    }

    @Override
    public double syntheticPrior() {
        return settings.syntheticPrior();
    }

    @Override
    public int maxProvisional() {
        return settings.maxProvisional();
    }

    @Override
    public boolean refute() {
        return settings.refute();
    }

    @Override
    public boolean syntheticSelectable(String tenant) {
        Cached cached = agreements.get(tenant);
        Instant now = clock.instant();
        if (cached == null || Duration.between(cached.read(), now).toSeconds() >= REFRESH_SECONDS) {
            List<Double> latest = jdbc.query("SELECT reward_agreement FROM synthesis_fidelity WHERE tenant = ?"
                    + " ORDER BY measured_at DESC LIMIT 1", (rs, n) -> rs.getObject("reward_agreement", Double.class),
                    tenant);
            cached = new Cached(latest.isEmpty() ? null : latest.getFirst(), now);
            agreements.put(tenant, cached);
        }
        return selectable(cached.agreement());
    }

    private boolean selectable(Double agreement) {
        return agreement == null || agreement >= settings.minRewardAgreement();
    }

    /** What a tenant never measured reads: no report, synthetic cases selectable. */
    Map<String, Object> unmeasured() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("measured", false);
        view.put("minRewardAgreement", settings.minRewardAgreement());
        view.put("syntheticSelectable", true);
        return view;
    }

    private Map<String, Object> withGate(Map<String, Object> report, Double agreement) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("measured", true);
        view.putAll(report);
        view.put("minRewardAgreement", settings.minRewardAgreement());
        view.put("syntheticSelectable", selectable(agreement));
        return view;
    }

    private static double weighted(Map<String, Object> rewards) {
        Object agreement = rewards.get("agreement");
        return agreement == null ? 0 : (Double) agreement * (Integer) rewards.get("samples");
    }

    /** The tenant's newest episodes of this source with a reward and an answer, with their recorded calls. */
    private List<FidelityProbe.Episode> episodes(String tenant, String source, int limit) {
        List<FidelityProbe.Episode> episodes = new ArrayList<>();
        jdbc.query("SELECT id, text, answer, reward FROM tasks WHERE tenant = ? AND source = ? AND reward IS NOT NULL"
                + " AND answer IS NOT NULL ORDER BY finished_at DESC LIMIT ?", (rs, n) -> episodes.add(
                new FidelityProbe.Episode(rs.getString("id"), rs.getString("text"), List.of(),
                        rs.getString("answer"), rs.getDouble("reward"))), tenant, source, limit);
        return episodes.stream().map(e -> new FidelityProbe.Episode(e.taskId(), e.task(),
                replay.ofTask(tenant, e.taskId()).stream().map(t -> Transition.real(t.tool(), t.arguments(),
                        t.observation(), t.ok())).toList(), e.answer(), e.reward())).toList();
    }
}

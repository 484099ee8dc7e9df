package dev.casebook.server.synthesis;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.Vectors;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures how faithful the experience model is on the tenant's own records. <b>Observation fidelity</b>: recorded
 * real tool calls are predicted again, grounded by the tenant's other real transitions with the call's own task left
 * out, and compared with what the tool really returned: whether both say the call failed or worked, the share of
 * the real result's numbers the prediction holds, and the cosine similarity of their embeddings. <b>Reward
 * fidelity</b>: recorded real episodes with a real reward (feedback, a scorer) are judged again by the experience
 * model ({@code experience-outcome}) with their recorded calls; agreement is both on the same side of 0.5, and the
 * ROC-AUC says how well its reward ranks the real successes above the failures. <b>Sandbox</b>: sandbox rollouts
 * (a validator's verdict) judged the same way, with their statement and answer (their calls are not in the replay
 * buffer): the dream verdict against the validator's.
 */
final class FidelityProbe {
    static final Pattern FAILURE = Pattern.compile(
            "(?i)\\b(error|errors|failed|failure|exception|not found|no such|invalid|denied|timed out|timeout|unavailable)\\b");
    static final Pattern NUMBER = Pattern.compile("-?\\d+(?:[.,]\\d+)?");
    private static final int DESCRIPTION = 300;

    /** A recorded episode with a real reward: its task, calls, answer and reward. */
    record Episode(String taskId, String task, List<Transition> calls, String answer, double reward) {
    }

    private final ExperienceModel model;
    private final ReplayTransitions buffer;
    private final Embedder embedder;
    private final int groundingExamples;
    private final Duration callTimeout;

    FidelityProbe(ExperienceModel model, ReplayTransitions buffer, int groundingExamples, Duration callTimeout) {
        this.model = model;
        this.buffer = buffer;
        this.embedder = buffer.embedder();
        this.groundingExamples = groundingExamples;
        this.callTimeout = callTimeout;
    }

    Map<String, Object> observations(String tenant, List<ReplayTransition> samples) throws InterruptedException {
        int n = 0;
        int agreeOk = 0;
        double numbers = 0;
        int withNumbers = 0;
        double similarity = 0;
        int unusable = 0;
        long tokens = 0;
        for (ReplayTransition real : samples) {
            List<ReplayTransition> grounding = buffer.similar(tenant, real.task(), real.tool(), real.arguments(),
                    groundingExamples + 20).stream().filter(t -> !t.taskId().equals(real.taskId()))
                    .limit(groundingExamples).toList();
            Prediction prediction = model.predict(real.task(), real.history(), real.tool(),
                    "a tool of the agent (" + Transition.oneLine(real.tool(), DESCRIPTION) + ")", real.arguments(),
                    grounding, Instant.now().plus(callTimeout));
            tokens += prediction.tokens();
            if (!(prediction instanceof Prediction.Predicted predicted)) {
                unusable++;
                continue;
            }
            n++;
            boolean predictedOk = !FAILURE.matcher(head(predicted.observation())).find();
            agreeOk += predictedOk == real.ok() ? 1 : 0;
            Set<String> realNumbers = numbers(real.observation());
            if (!realNumbers.isEmpty()) {
                Set<String> held = numbers(predicted.observation());
                numbers += realNumbers.stream().filter(held::contains).count() / (double) realNumbers.size();
                withNumbers++;
            }
            similarity += Vectors.cosine(embedder.embed(cut(real.observation())),
                    embedder.embed(cut(predicted.observation())));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("samples", n);
        view.put("unusable", unusable);
        view.put("successAgreement", n == 0 ? null : (double) agreeOk / n);
        view.put("numberAgreement", withNumbers == 0 ? null : numbers / withNumbers);
        view.put("withNumbers", withNumbers);
        view.put("similarity", n == 0 ? null : similarity / n);
        view.put("tokens", tokens);
        return view;
    }

    Map<String, Object> rewards(List<Episode> episodes) throws InterruptedException {
        List<double[]> pairs = new ArrayList<>(); // {judged, real}
        int unrated = 0;
        long tokens = 0;
        for (Episode episode : episodes) {
            Judgement judgement = model.judge(episode.task(), episode.calls(),
                    episode.answer() == null ? "(no answer)" : episode.answer(), Instant.now().plus(callTimeout));
            tokens += judgement.tokens();
            if (judgement instanceof Judgement.Rated rated) {
                pairs.add(new double[] {rated.reward(), episode.reward()});
            } else {
                unrated++;
            }
        }
        int agree = 0;
        for (double[] p : pairs) {
            agree += (p[0] >= 0.5) == (p[1] >= 0.5) ? 1 : 0;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("samples", pairs.size());
        view.put("unrated", unrated);
        view.put("agreement", pairs.isEmpty() ? null : (double) agree / pairs.size());
        view.put("auc", auc(pairs));
        view.put("tokens", tokens);
        return view;
    }

    /** ROC-AUC of the judged rewards against the real outcomes (reward ≥ 0.5); null without both outcomes. */
    static Double auc(List<double[]> pairs) {
        List<Double> positives = new ArrayList<>();
        List<Double> negatives = new ArrayList<>();
        pairs.forEach(p -> (p[1] >= 0.5 ? positives : negatives).add(p[0]));
        if (positives.isEmpty() || negatives.isEmpty()) {
            return null;
        }
        double wins = 0;
        for (double p : positives) {
            for (double n : negatives) {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return wins / (positives.size() * (double) negatives.size());
    }

    static Set<String> numbers(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            try {
                out.add(new BigDecimal(m.group().replace(',', '.')).stripTrailingZeros().toPlainString());
            } catch (NumberFormatException e) {
                // not a number after all
            }
        }
        return out;
    }

    private static String head(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300);
    }

    private static String cut(String text) {
        String t = text.isBlank() ? "(empty)" : text;
        return t.length() <= 2_000 ? t : t.substring(0, 2_000);
    }
}

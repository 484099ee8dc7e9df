package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.bench.policy.QueryFeatures.Group;
import dev.casebook.memory.CaseLabel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryFeaturesTest {

    private static float[] unit(double angle) {
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    }

    @Test
    void bank_share_counts_the_nearest_cases_and_leaves_the_query_itself_out() {
        Map<String, float[]> vectors = new HashMap<>();
        vectors.put("q", unit(0));
        // the query itself sits in the bank as a negative case: it must not count
        List<BankCase> bank = new java.util.ArrayList<>(List.of(new BankCase("q", CaseLabel.NEGATIVE, 9)));
        for (int i = 0; i < 100; i++) {
            String text = "case " + i;
            vectors.put(text, unit(0.01 * (i + 1)));
            // the 5 nearest are positive with 2-step plans, the rest negative with 1-step plans
            bank.add(new BankCase(text, i < 5 ? CaseLabel.POSITIVE : CaseLabel.NEGATIVE, i < 5 ? 2 : 1));
        }
        QueryFeatures features = new QueryFeatures(bank, vectors);

        double[] f = features.of("q", vectors.get("q"), List.of(), vectors, List.of(Group.BANK));

        List<String> names = QueryFeatures.names(List.of(Group.BANK));
        assertThat(f).hasSize(names.size());
        assertThat(f[names.indexOf("bank positive share k=5")]).isEqualTo(1.0);
        assertThat(f[names.indexOf("bank positive share k=10")]).isEqualTo(0.5);
        assertThat(f[names.indexOf("bank positive share k=100")]).isEqualTo(0.05);
        assertThat(f[names.indexOf("bank plan steps k=10")]).isEqualTo(1.5);
        assertThat(f[names.indexOf("bank max cosine")]).isCloseTo(Math.cos(0.01), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void surface_features_read_how_the_question_is_written() {
        QueryFeatures features = new QueryFeatures(List.of(), Map.of());
        double[] f = features.of("who played Ann in Bob's 1999 film, Carol", new float[] {1, 0}, List.of(), Map.of(),
                List.of(Group.SURFACE));

        List<String> names = QueryFeatures.names(List.of(Group.SURFACE));
        assertThat(f[names.indexOf("ends with ?")]).isZero();
        assertThat(f[names.indexOf("starts lower case")]).isEqualTo(1);
        assertThat(f[names.indexOf("capitalised words")]).isEqualTo(3);
        assertThat(f[names.indexOf("possessives")]).isEqualTo(1);
        assertThat(f[names.indexOf("has digit")]).isEqualTo(1);
        assertThat(f[names.indexOf("commas")]).isEqualTo(1);
        assertThat(f[names.indexOf("starts 'who'")]).isEqualTo(1);
        assertThat(f[names.indexOf("starts 'what'")]).isZero();
    }

    @Test
    void candidate_features_separate_positive_and_negative_candidates() {
        Map<String, float[]> vectors = Map.of("q", unit(0), "p", unit(0.5), "n1", unit(1.0), "n2", unit(1.5));
        List<SelectionPair> candidates = List.of(new SelectionPair("q", "p", CaseLabel.POSITIVE, true),
                new SelectionPair("q", "n1", CaseLabel.NEGATIVE, true),
                new SelectionPair("q", "n2", CaseLabel.NEGATIVE, true));

        double[] f = new QueryFeatures(List.of(), vectors).of("q", vectors.get("q"), candidates, vectors,
                List.of(Group.CANDIDATES));

        assertThat(f[0]).isCloseTo(Math.cos(0.5), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(f[1]).isCloseTo((Math.cos(1.0) + Math.cos(1.5)) / 2, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(f[3]).isCloseTo(Math.cos(1.0), org.assertj.core.data.Offset.offset(1e-6));
    }
}

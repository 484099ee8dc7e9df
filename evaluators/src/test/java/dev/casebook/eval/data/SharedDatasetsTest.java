package dev.casebook.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.SharedData;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The real public files in ../shared/data, read in place. */
class SharedDatasetsTest {
    @Test
    void reads_the_deepresearcher_test_set_from_parquet_and_jsonl_identically() {
        Dataset parquet = Datasets.open(SharedData.file("deepresearcher/test.parquet"));
        Dataset jsonl = Datasets.open(SharedData.file("deepresearcher/test.jsonl"));
        assertThat(parquet.format()).isEqualTo(DatasetFormat.VERL);
        assertThat(jsonl.format()).isEqualTo(DatasetFormat.VERL);
        assertThat(parquet.size()).isEqualTo(3197);
        assertThat(parquet.items()).isEqualTo(jsonl.items());
        Map<String, Long> bySource = parquet.items().stream()
                .collect(Collectors.groupingBy(EvalItem::group, Collectors.counting()));
        assertThat(bySource).containsEntry("popqa", 512L).containsEntry("Bamboogle", 125L).hasSize(7);
    }

    @Test
    void splits_gold_answers_on_answer_split() {
        assertThat(Datasets.open(SharedData.file("deepresearcher/dev.parquet")).size()).isEqualTo(875);
        Map<String, EvalItem> byId = Datasets.open(SharedData.file("deepresearcher/test.parquet")).items().stream()
                .collect(Collectors.toMap(EvalItem::id, Function.identity()));
        EvalItem columbia = byId.get("popqa_3474310");
        assertThat(columbia.question()).isEqualTo("What is the capital of Columbia County?");
        assertThat(columbia.golds()).containsExactly("Bloomsburg", "The Only Town in Pennsylvania", "Eyersburg");
        assertThat(columbia.metadata()).containsEntry("data_source", "popqa").containsEntry("split", "dev");
    }

    @Test
    void reads_the_memento_questions() {
        Dataset memento = Datasets.open(SharedData.file("memento/deepresearcher.jsonl"));
        assertThat(memento.format()).isEqualTo(DatasetFormat.MEMENTO);
        assertThat(memento.size()).isEqualTo(3197);
        assertThat(memento.items().get(1).golds()).containsExactly("Bloomsburg", "The Only Town in Pennsylvania", "Eyersburg");
        assertThat(memento.items().get(1).id()).isEqualTo("2");
    }

    @Test
    void reads_simpleqa_and_frames_csv() {
        Dataset simpleQa = Datasets.open(SharedData.file("simpleqa-frames/simple_qa_test_set.csv"));
        assertThat(simpleQa.format()).isEqualTo(DatasetFormat.SIMPLEQA);
        assertThat(simpleQa.size()).isEqualTo(4326);
        EvalItem first = simpleQa.items().getFirst();
        assertThat(first.question()).isEqualTo("Who received the IEEE Frank Rosenblatt Award in 2010?");
        assertThat(first.golds()).containsExactly("Michio Sugeno");
        assertThat(first.group()).isEqualTo("Science and technology");

        Dataset frames = Datasets.open(SharedData.file("simpleqa-frames/frames_test_set.csv"));
        assertThat(frames.format()).isEqualTo(DatasetFormat.FRAMES);
        assertThat(frames.size()).isEqualTo(824);
        assertThat(frames.items().getFirst().golds()).containsExactly("Jane Ballou");
        assertThat(frames.items().getFirst().group()).isEqualTo("Multiple constraints");
    }
}

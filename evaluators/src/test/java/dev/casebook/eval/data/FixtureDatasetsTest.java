package dev.casebook.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GAIA-format fixtures written for the project (GAIA itself is gated) and malformed files. */
class FixtureDatasetsTest {
    @TempDir
    Path dir;

    private static final String GAIA_ROWS = """
            {"task_id": "t-1", "Question": "How many legs has a spider?", "Level": 1, "Final answer": "8", "file_name": ""}
            {"task_id": "t-2", "Question": "What is the total in the attached sheet?", "Level": "2", "Final answer": "1,234", "file_name": "t-2.xlsx"}
            """;

    @Test
    void reads_a_gaia_download_root_with_attachments_beside_the_metadata() throws IOException {
        Path validation = Files.createDirectories(dir.resolve("2023/validation"));
        Files.writeString(validation.resolve("metadata.jsonl"), GAIA_ROWS);
        Files.writeString(validation.resolve("t-2.xlsx"), "sheet");

        Dataset gaia = Datasets.open(dir);

        assertThat(gaia.format()).isEqualTo(DatasetFormat.GAIA);
        assertThat(gaia.items()).extracting(EvalItem::id).containsExactly("t-1", "t-2");
        EvalItem second = gaia.items().get(1);
        assertThat(second.golds()).containsExactly("1,234");
        assertThat(second.group()).isEqualTo("level 2");
        assertThat(second.attachments()).containsExactly(validation.resolve("t-2.xlsx").toAbsolutePath().normalize());
        assertThat(gaia.items().getFirst().attachments()).isEmpty();
    }

    @Test
    void reads_gaia_metadata_parquet_and_hidden_test_answers_have_no_gold() throws Exception {
        Path test = Files.createDirectories(dir.resolve("2023/test"));
        writeParquet(test.resolve("metadata.parquet"), """
                SELECT * FROM (VALUES ('q-1', 'Name the capital of France.', 1, '?', ''),
                                      ('q-2', 'Name the capital of Peru.', 3, 'Lima', ''))
                    AS t(task_id, "Question", "Level", "Final answer", file_name)""");

        Dataset gaia = Datasets.gaia(dir, "test");

        assertThat(gaia.name()).isEqualTo("gaia-test");
        assertThat(gaia.items()).hasSize(2);
        assertThat(gaia.items().getFirst().hasGold()).isFalse();
        assertThat(gaia.items().get(1).golds()).containsExactly("Lima");
        assertThat(gaia.items().get(1).metadata()).containsEntry("level", "3");
    }

    @Test
    void missing_gaia_attachment_is_reported_with_its_row() throws IOException {
        Files.writeString(dir.resolve("metadata.jsonl"), GAIA_ROWS);
        assertThatThrownBy(() -> Datasets.open(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessage(dir.resolve("metadata.jsonl") + ", row 2: attachment 't-2.xlsx' not found beside the metadata")
                .extracting(e -> ((DatasetException) e).row()).isEqualTo(2L);
    }

    @Test
    void gaia_attachment_outside_the_folder_is_refused() throws IOException {
        Files.writeString(dir.resolve("metadata.jsonl"),
                "{\"task_id\": \"x\", \"Question\": \"q\", \"Final answer\": \"a\", \"file_name\": \"../etc/passwd\"}\n");
        assertThatThrownBy(() -> Datasets.open(dir)).hasMessageEndingWith("row 1: file_name '../etc/passwd' points outside the GAIA folder");
    }

    @Test
    void reads_the_generic_jsonl_with_metadata_group() throws IOException {
        Path file = dir.resolve("mine.jsonl");
        Files.writeString(file, """
                {"id": 7, "question": "Largest planet?", "answers": ["Jupiter", "planet Jupiter"], "metadata": {"group": "astro", "difficulty": 2}}

                {"id": "b", "question": "Smallest planet?", "answers": ["Mercury"]}
                """);
        Dataset dataset = Datasets.open(file);
        assertThat(dataset.format()).isEqualTo(DatasetFormat.GENERIC);
        assertThat(dataset.name()).isEqualTo("mine");
        EvalItem first = dataset.items().getFirst();
        assertThat(first.id()).isEqualTo("7");
        assertThat(first.golds()).containsExactly("Jupiter", "planet Jupiter");
        assertThat(first.group()).isEqualTo("astro");
        assertThat(first.metadata()).containsEntry("difficulty", "2");
        assertThat(dataset.items().get(1).group()).isEqualTo("all");
    }

    @Test
    void a_file_named_after_its_split_is_named_with_its_folder() throws IOException {
        String line = "{\"id\": \"a\", \"question\": \"q\", \"answers\": [\"x\"]}\n";
        Path test = Files.createDirectories(dir.resolve("deepresearcher")).resolve("test.jsonl");
        Files.writeString(test, line);
        Path upload = Files.createDirectories(dir.resolve("0b6f2f0e-5f55-4a5e-9d8e-6a3f1c2b4d5e")).resolve("test.jsonl");
        Files.writeString(upload, line);
        Path named = dir.resolve("deepresearcher").resolve("frames_test_set.jsonl");
        Files.writeString(named, line);

        assertThat(Datasets.open(test).name()).isEqualTo("deepresearcher/test");
        assertThat(Datasets.open(upload).name()).as("an upload's id folder is no name").isEqualTo("test");
        assertThat(Datasets.open(named).name()).isEqualTo("frames_test_set");
    }

    @Test
    void a_jsonl_file_that_is_not_utf8_is_reported_as_such() throws IOException {
        Path file = dir.resolve("latin1.jsonl");
        Files.write(file, "{\"id\": \"a\", \"question\": \"caf\u00e9\", \"answers\": [\"x\"]}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Datasets.open(file, DatasetFormat.GENERIC))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": not UTF-8 text: a .jsonl dataset is JSON objects, one a line, in UTF-8");
    }

    @Test
    void invalid_json_line_is_reported_with_its_line_number() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, """
                {"id": "a", "question": "q1", "answers": ["x"]}
                {"id": "b", "question": "q2", "answers": ["y"]}
                {"id": "c", "question": "q3", "answers": [
                """);
        assertThatThrownBy(() -> Datasets.open(file, DatasetFormat.GENERIC))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ", row 3: invalid JSON");
    }

    @Test
    void missing_field_and_empty_answers_and_duplicate_ids_name_the_row() throws IOException {
        assertMalformed(DatasetFormat.GENERIC, """
                {"id": "a", "question": "q1", "answers": ["x"]}
                {"id": "b", "answers": ["y"]}
                """, "row 2: missing field 'question'");
        assertMalformed(DatasetFormat.GENERIC, """
                {"id": "a", "question": "q1", "answers": []}
                """, "row 1: field 'answers' must be a non-empty list of strings");
        assertMalformed(DatasetFormat.GENERIC, """
                {"id": "a", "question": "q1", "answers": ["x"]}
                {"id": "a", "question": "q2", "answers": ["y"]}
                """, "row 2: duplicate id 'a' (first at row 1)");
        assertMalformed(DatasetFormat.MEMENTO, """
                {"question": "q1", "ground_truth": "<|answer_split|> ", "data_source": "nq"}
                """, "row 1: field 'ground_truth' has no answer");
        assertMalformed(DatasetFormat.VERL, """
                {"data_source": "nq", "prompt": [{"role": "system", "content": "be brief"}], "reward_model": {"ground_truth": "x"}}
                """, "row 1: field 'prompt' has no user message with content");
    }

    @Test
    void malformed_parquet_row_is_reported_with_its_row_number() throws Exception {
        Path file = dir.resolve("rows.parquet");
        writeParquet(file, """
                SELECT * FROM (VALUES ('a', 'q1', ['x']), ('b', NULL, ['y']))
                    AS t(id, question, answers)""");
        assertThatThrownBy(() -> Datasets.open(file, DatasetFormat.GENERIC))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ", row 2: missing field 'question'");
    }

    @Test
    void csv_record_without_answer_is_reported_with_its_record_number() throws IOException {
        Path file = dir.resolve("frames.csv");
        Files.writeString(file, """
                question,true_answer,reasoning_types
                "A question
                spanning two lines?",yes,Temporal
                Who?,,Numerical
                """);
        assertThatThrownBy(() -> Datasets.open(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ", row 2: column 'true_answer' is missing or empty");
    }

    @Test
    void unknown_layouts_and_missing_files_are_refused() throws IOException {
        Path file = dir.resolve("odd.jsonl");
        Files.writeString(file, "{\"foo\": 1}\n");
        assertThatThrownBy(() -> Datasets.open(file)).hasMessage(file + ", row 1: unknown row layout with fields [foo]");
        assertThatThrownBy(() -> Datasets.open(dir.resolve("nope.jsonl"))).hasMessage(dir.resolve("nope.jsonl") + ": file not found");
        assertThatThrownBy(() -> Datasets.open(dir)).isInstanceOf(DatasetException.class);
    }

    private void assertMalformed(DatasetFormat format, String content, String expectedEnd) throws IOException {
        Path file = Files.createTempFile(dir, "rows", ".jsonl");
        Files.writeString(file, content);
        assertThatThrownBy(() -> Datasets.open(file, format))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ", " + expectedEnd);
    }

    private static void writeParquet(Path file, String select) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement()) {
            statement.execute("COPY (" + select + ") TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
        }
    }
}

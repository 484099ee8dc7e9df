package dev.casebook.tools.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.SharedData;
import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadDocumentToolTest {
    @TempDir
    Path dir;

    private final ReadDocumentTool tool = new ReadDocumentTool(new DocumentReader(DocumentSettings.defaults()));

    private static ToolResult read(ReadDocumentTool tool, List<Path> attachments, String arguments) {
        return tool.execute(new ToolInvocation(arguments,
                new ToolContext("acme", "t1", attachments, Duration.ofSeconds(30))));
    }

    private ToolResult read(Path attachment, String arguments) {
        return read(tool, List.of(attachment), arguments);
    }

    @Test
    void reads_selected_pdf_pages() throws IOException {
        Path pdf = Fixtures.pdf(dir.resolve("paper.pdf"), List.of("Alpha intro", "Beta methods", "Gamma results"));

        ToolResult result = read(pdf, "{\"file\":\"paper.pdf\",\"pages\":\"2-3\"}");

        assertThat(result).isEqualTo(ToolResult.ok("""
                File: paper.pdf (application/pdf, pages 2-3 of 3)

                --- page 2 ---
                Beta methods

                --- page 3 ---
                Gamma results"""));
    }

    @Test
    void says_when_a_page_lies_past_the_end() throws IOException {
        Path pdf = Fixtures.pdf(dir.resolve("paper.pdf"), List.of("one", "two", "three"));

        assertThat(read(pdf, "{\"file\":\"paper.pdf\",\"pages\":\"2,5\"}"))
                .isEqualTo(ToolResult.failed("the document has 3 pages, there is no page 5"));
        assertThat(read(pdf, "{\"file\":\"paper.pdf\",\"pages\":\"three\"}"))
                .isEqualTo(ToolResult.failed("'three' is not a page range; write pages like 1-3,7"));
    }

    @Test
    void reads_a_docx_with_its_table() throws IOException {
        Path docx = Fixtures.docx(dir.resolve("report.docx"));

        ToolResult result = read(docx, "{\"file\":\"report.docx\"}");

        assertThat(result).isInstanceOf(ToolResult.Ok.class);
        assertThat(result.text())
                .startsWith("File: report.docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                .contains("Quarterly report of the Casebook project.", "Revenue grew in every region.",
                        "Region\tRevenue", "North\t1200");
    }

    @Test
    void reads_one_sheet_by_name_or_number_with_formula_results() throws IOException {
        Path xlsx = Fixtures.xlsx(dir.resolve("prices.xlsx"));

        ToolResult byName = read(xlsx, "{\"file\":\"prices.xlsx\",\"sheet\":\"Sales\"}");
        ToolResult byNumber = read(xlsx, "{\"file\":\"prices.xlsx\",\"sheet\":\"2\"}");

        assertThat(byName).isEqualTo(ToolResult.ok("""
                File: prices.xlsx (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, sheet "Sales")

                ## Sheet "Sales"
                1: Item | Price | Quantity | Total
                2: apple | 0.5 | 10 | 5
                3: pear | 0.75 | 4 | 3"""));
        assertThat(byNumber.text()).endsWith("## Sheet \"Notes\"\n1: prices in EUR");
    }

    @Test
    void lists_the_sheets_when_reading_all_and_names_them_on_a_wrong_choice() throws IOException {
        Path xlsx = Fixtures.xlsx(dir.resolve("prices.xlsx"));

        assertThat(read(xlsx, "{\"file\":\"prices.xlsx\"}").text())
                .contains("all 2 sheets", "Sheets: Sales, Notes", "## Sheet \"Sales\"", "## Sheet \"Notes\"");
        assertThat(read(xlsx, "{\"file\":\"prices.xlsx\",\"sheet\":\"Costs\"}")).isEqualTo(ToolResult.failed(
                "there is no sheet 'Costs'; the sheets are [Sales, Notes] (name one or give its number from 1)"));
    }

    @Test
    void reads_selected_slides() throws IOException {
        Path pptx = Fixtures.pptx(dir.resolve("deck.pptx"), List.of("Welcome", "Agenda: memory", "Thanks"));

        ToolResult result = read(pptx, "{\"file\":\"deck.pptx\",\"pages\":\"2\"}");

        assertThat(result).isEqualTo(ToolResult.ok("""
                File: deck.pptx (application/vnd.openxmlformats-officedocument.presentationml.presentation, slides 2 of 3)

                --- slide 2 ---
                Agenda: memory"""));
    }

    @Test
    void reads_a_real_csv_up_to_the_row_limit() {
        Path csv = SharedData.file("simpleqa-frames/simple_qa_test_set.csv");
        ReadDocumentTool limited = new ReadDocumentTool(new DocumentReader(new DocumentSettings(50L << 20, 30_000, 3)));

        ToolResult result = read(limited, List.of(csv), "{\"file\":\"simple_qa_test_set.csv\"}");

        assertThat(result.text())
                .startsWith("File: simple_qa_test_set.csv (text/csv, 3 rows, UTF-8)")
                .contains("metadata,question,true_answer", "Who received the IEEE Frank Rosenblatt Award in 2010?")
                .endsWith("(more rows not shown: the limit is 3 rows)");
    }

    @Test
    void reads_json_xml_and_latin1_text() throws IOException {
        Path json = Files.writeString(dir.resolve("data.json"), "{\"answer\": 42}");
        Path xml = Files.writeString(dir.resolve("data.xml"), "<?xml version=\"1.0\"?><root><v>7</v></root>");
        Path text = Files.write(dir.resolve("notes.txt"),
                "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e for the d\u00e9j\u00e0 vu team, na\u00efve r\u00e9sum\u00e9 na\u00efvet\u00e9 \u00e0 la fran\u00e7aise"
                        .getBytes(StandardCharsets.ISO_8859_1));
        List<Path> all = List.of(json, xml, text);

        assertThat(read(tool, all, "{\"file\":\"data.json\"}").text()).endsWith("\n\n{\"answer\": 42}");
        assertThat(read(tool, all, "{\"file\":\"data.xml\"}").text()).contains("application/xml").endsWith("<v>7</v></root>");
        assertThat(read(tool, all, "{\"file\":\"notes.txt\"}").text()).contains("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e");
    }

    @Test
    void detects_the_type_from_the_content_not_the_name() throws IOException {
        Path disguised = Fixtures.pdf(dir.resolve("notes.txt"), List.of("really a PDF"));

        assertThat(read(disguised, "{\"file\":\"notes.txt\"}").text())
                .startsWith("File: notes.txt (application/pdf, all 1 page)").endsWith("really a PDF");
    }

    @Test
    void pages_long_text_with_an_offset() throws IOException {
        Path text = Files.writeString(dir.resolve("long.txt"), "a".repeat(150) + "b".repeat(100));
        ReadDocumentTool small = new ReadDocumentTool(new DocumentReader(new DocumentSettings(1 << 20, 200, 100)));

        ToolResult first = read(small, List.of(text), "{\"file\":\"long.txt\"}");
        ToolResult second = read(small, List.of(text), "{\"file\":\"long.txt\",\"offset\":200}");

        assertThat(first.text()).contains("(characters 0-200 of 250; call again with offset=200 for more)")
                .endsWith("a".repeat(150) + "b".repeat(50));
        assertThat(second.text()).contains("(characters 200-250 of 250)").endsWith("\n\n" + "b".repeat(50));
    }

    @Test
    void refuses_files_over_the_size_limit() throws IOException {
        Path big = Files.writeString(dir.resolve("big.txt"), "x".repeat(5000));
        ReadDocumentTool small = new ReadDocumentTool(new DocumentReader(new DocumentSettings(1024, 200, 100)));

        assertThat(read(small, List.of(big), "{\"file\":\"big.txt\"}"))
                .isEqualTo(ToolResult.failed("the file big.txt has 5000 bytes, more than the limit of 1024"));
    }

    @Test
    void refuses_selections_that_do_not_fit_the_type() throws IOException {
        Path docx = Fixtures.docx(dir.resolve("report.docx"));
        Path pdf = Fixtures.pdf(dir.resolve("paper.pdf"), List.of("one"));

        assertThat(read(tool, List.of(docx, pdf), "{\"file\":\"report.docx\",\"pages\":\"1\"}")).isEqualTo(ToolResult.failed(
                "page selection applies to PDF pages and PPTX slides, not to application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        assertThat(read(tool, List.of(docx, pdf), "{\"file\":\"paper.pdf\",\"sheet\":\"1\"}"))
                .isEqualTo(ToolResult.failed("sheet selection applies to spreadsheets, not to application/pdf"));
    }

    @Test
    void reads_only_the_tasks_attachments() throws IOException {
        Path pdf = Fixtures.pdf(dir.resolve("paper.pdf"), List.of("one"));

        assertThat(read(pdf, "{\"file\":\"/etc/passwd\"}"))
                .isEqualTo(ToolResult.failed("there is no attached file '/etc/passwd'; the attached files are: paper.pdf"));
        assertThat(read(tool, List.of(), "{\"file\":\"paper.pdf\"}"))
                .isEqualTo(ToolResult.failed("this task has no attached files"));
    }

    @Test
    void explains_a_damaged_file() throws IOException {
        Path broken = Files.write(dir.resolve("broken.pdf"), "%PDF-1.7\nthis is not really a pdf".getBytes(StandardCharsets.US_ASCII));

        ToolResult result = read(broken, "{\"file\":\"broken.pdf\"}");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).startsWith("cannot read broken.pdf: ");
    }
}

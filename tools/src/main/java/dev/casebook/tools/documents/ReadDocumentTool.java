package dev.casebook.tools.documents;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolArguments;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads an attachment of the task as text; only the task's own attachments can be read. */
public final class ReadDocumentTool implements Tool {
    public static final String NAME = "read_document";

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(NAME)
            .description("Reads a file attached to the task as text: PDF, DOCX, XLSX/XLS, CSV, PPTX, TXT, JSON, XML "
                    + "and more. Long results come in parts: pass 'offset' to read further.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("file", "the attachment's file name")
                    .addStringProperty("pages", "PDF pages or PPTX slides to read, e.g. '1-3,7' (default all)")
                    .addStringProperty("sheet", "spreadsheet sheet name or number from 1 (default all sheets)")
                    .addIntegerProperty("offset", "character offset to start from (default 0)")
                    .required("file")
                    .build())
            .build();

    private final DocumentReader reader;

    public ReadDocumentTool(DocumentReader reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        ToolArguments arguments = ToolArguments.parse(invocation.argumentsJson());
        String name = arguments.string("file");
        int offset = arguments.integer("offset", 0, 0, Integer.MAX_VALUE);
        List<Path> attachments = invocation.context().attachments();
        Optional<Path> file = attachments.stream()
                .filter(path -> path.getFileName().toString().equals(name) || path.toString().equals(name))
                .findFirst();
        if (file.isEmpty()) {
            return ToolResult.failed(attachments.isEmpty()
                    ? "this task has no attached files"
                    : "there is no attached file '" + name + "'; the attached files are: "
                            + String.join(", ", attachments.stream().map(p -> p.getFileName().toString()).toList()));
        }
        DocumentText text;
        try {
            PageSelection pages = PageSelection.parse(arguments.optionalString("pages").orElse(null));
            text = reader.read(file.get(), pages, arguments.optionalString("sheet").orElse(null));
        } catch (DocumentException e) {
            return ToolResult.failed(e.getMessage());
        }
        return ToolResult.ok(page(file.get().getFileName().toString(), text, offset));
    }

    private String page(String fileName, DocumentText text, int offset) {
        int max = reader.settings().maxChars();
        String body = text.text();
        StringBuilder out = new StringBuilder("File: ").append(fileName).append(" (").append(text.mediaType())
                .append(", ").append(text.description()).append(")\n");
        if (offset >= body.length() && offset > 0) {
            return out.append("(offset ").append(offset).append(" is past the end: the text has ")
                    .append(body.length()).append(" characters)").toString();
        }
        int end = Math.min(body.length(), offset + max);
        if (offset > 0 || end < body.length()) {
            out.append("(characters ").append(offset).append('-').append(end).append(" of ").append(body.length())
                    .append(end < body.length() ? "; call again with offset=" + end + " for more" : "")
                    .append(")\n");
        }
        return out.append('\n').append(body, offset, end).toString();
    }
}

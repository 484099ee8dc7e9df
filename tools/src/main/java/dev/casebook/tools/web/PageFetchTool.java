package dev.casebook.tools.web;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolArguments;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Fetches a web page and returns its readable text. HTML is reduced to text with jsoup; plain text, JSON, XML, CSV
 * and Markdown are returned as they are; other content types are handed to the {@link BinaryContentReader} when one
 * is given (documents), refused otherwise. Destinations are checked by the {@link NetworkPolicy} on every hop.
 */
public final class PageFetchTool implements Tool {
    public static final String NAME = "fetch_page";

    /** Turns a fetched non-text body (a PDF, an office document) into text, or says it cannot. */
    @FunctionalInterface
    public interface BinaryContentReader {
        Optional<String> read(byte[] body, String mediaType, String fileName) throws IOException;
    }

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(NAME)
            .description("Fetches a web page (http or https) and returns its readable text, title and links. "
                    + "Long pages are returned in parts: pass 'offset' to read further.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("url", "the absolute http(s) URL to fetch")
                    .addIntegerProperty("offset", "character offset to start from (default 0)")
                    .required("url")
                    .build())
            .build();

    private final PageFetchSettings settings;
    private final GuardedHttp http;
    private final BinaryContentReader binaryReader;

    public PageFetchTool(PageFetchSettings settings) {
        this(settings, null);
    }

    public PageFetchTool(PageFetchSettings settings, BinaryContentReader binaryReader) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = new GuardedHttp(settings);
        this.binaryReader = binaryReader;
    }

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        ToolArguments arguments = ToolArguments.parse(invocation.argumentsJson());
        String url = arguments.string("url");
        int offset = arguments.integer("offset", 0, 0, Integer.MAX_VALUE);
        Duration limit = min(settings.timeout(), invocation.context().timeout());
        GuardedHttp.Response response;
        try {
            response = http.get(url, limit);
        } catch (GuardedHttp.FetchException e) {
            return ToolResult.failed(e.getMessage());
        }
        Optional<String> text;
        try {
            text = text(response);
        } catch (IOException e) {
            return ToolResult.failed("cannot read the " + response.mediaType() + " content of " + response.uri() + ": "
                    + e.getMessage());
        }
        if (text.isEmpty()) {
            return ToolResult.failed("the content type " + response.mediaType() + " of " + response.uri()
                    + " is not text this tool can read");
        }
        return ToolResult.ok(page(response, text.get(), offset));
    }

    private Optional<String> text(GuardedHttp.Response response) throws IOException {
        String type = response.mediaType();
        if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
            Document document = Jsoup.parse(new ByteArrayInputStream(response.body()),
                    response.charset().map(Object::toString).orElse(null), response.uri().toString());
            HtmlText html = HtmlText.of(document);
            StringBuilder out = new StringBuilder();
            if (!html.title().isEmpty()) {
                out.append("Title: ").append(html.title()).append("\n\n");
            }
            out.append(html.text());
            if (!html.links().isEmpty()) {
                out.append("\n\nLinks:\n");
                html.links().forEach(link -> out.append("- ").append(link).append('\n'));
            }
            return Optional.of(out.toString().strip());
        }
        if (type.startsWith("text/") || type.endsWith("/json") || type.endsWith("+json") || type.endsWith("/xml")
                || type.endsWith("+xml") || type.equals("application/javascript")) {
            return Optional.of(response.text());
        }
        if (binaryReader != null) {
            String path = response.uri().getPath();
            String fileName = path == null || path.isEmpty() ? "download" : path.substring(path.lastIndexOf('/') + 1);
            return binaryReader.read(response.body(), type, fileName);
        }
        return Optional.empty();
    }

    private String page(GuardedHttp.Response response, String text, int offset) {
        StringBuilder out = new StringBuilder("URL: ").append(response.uri()).append('\n');
        if (response.truncated()) {
            out.append("(the response was larger than ").append(settings.maxBytes())
                    .append(" bytes; only its beginning was read)\n");
        }
        if (offset >= text.length() && offset > 0) {
            return out.append("(offset ").append(offset).append(" is past the end: the text has ")
                    .append(text.length()).append(" characters)").toString();
        }
        int end = Math.min(text.length(), offset + settings.maxChars());
        if (offset > 0 || end < text.length()) {
            out.append("(characters ").append(offset).append('-').append(end).append(" of ").append(text.length())
                    .append(end < text.length() ? "; call again with offset=" + end + " for more" : "")
                    .append(")\n");
        }
        return out.append('\n').append(text, offset, end).toString();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

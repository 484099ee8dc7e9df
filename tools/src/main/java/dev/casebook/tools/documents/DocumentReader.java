package dev.casebook.tools.documents;

import dev.casebook.tools.web.PageFetchTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.tika.Tika;
import org.apache.tika.detect.AutoDetectReader;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.SAXException;

/**
 * Reads documents as text: PDF (PDFBox, by page), DOCX (POI), XLSX/XLS (POI, by sheet), PPTX (POI, by slide),
 * plain text, CSV, JSON, XML and Markdown (charset detected by Tika), anything else Tika's parsers know. The type is
 * detected from the content and the file name, not trusted from the extension alone.
 *
 * <p>Page selection applies to PDF pages and PPTX slides, sheet selection to workbooks; asking for either on another
 * type is a {@link DocumentException}, as are files over the size limit, damaged or encrypted files and types
 * nothing here can read.
 */
public final class DocumentReader {
    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private static final String PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    private final DocumentSettings settings;
    private final Tika tika = new Tika();

    public DocumentReader(DocumentSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DocumentSettings settings() {
        return settings;
    }

    public DocumentText read(Path file, PageSelection pages, String sheet) throws DocumentException {
        try {
            long size = Files.size(file);
            if (size > settings.maxFileBytes()) {
                throw new DocumentException("the file " + file.getFileName() + " has " + size
                        + " bytes, more than the limit of " + settings.maxFileBytes());
            }
            String type = detect(file);
            boolean workbook = isWorkbook(type);
            if (!pages.isAll() && !type.equals("application/pdf") && !type.equals(PPTX)) {
                throw new DocumentException("page selection applies to PDF pages and PPTX slides, not to " + type);
            }
            if (sheet != null && !workbook) {
                throw new DocumentException("sheet selection applies to spreadsheets, not to " + type);
            }
            if (type.equals("application/pdf")) {
                return PdfPages.read(file, pages);
            }
            if (workbook) {
                return Spreadsheets.read(file, type, sheet, settings.maxRows());
            }
            if (type.equals(PPTX)) {
                return Slides.read(file, pages);
            }
            if (type.equals(DOCX)) {
                return word(file);
            }
            if (isPlainText(type)) {
                return plainText(file, type);
            }
            return withTika(file, type);
        } catch (DocumentException e) {
            throw e;
        } catch (IOException | TikaException | RuntimeException e) {
            throw new DocumentException("cannot read " + file.getFileName() + ": " + describe(e), e);
        }
    }

    /** Reads a document held in memory (a downloaded file), through a temporary file that is deleted again. */
    public Optional<String> read(byte[] content, String fileName) throws DocumentException {
        Path temp = null;
        try {
            String suffix = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.')) : "";
            temp = Files.createTempFile("casebook-document-", suffix.replaceAll("[^.A-Za-z0-9]", ""));
            Files.write(temp, content);
            DocumentText text = read(temp, PageSelection.all(), null);
            return text.text().isBlank() ? Optional.empty() : Optional.of(text.text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary file for a downloaded document", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    /** This reader as the page fetch tool's reader of downloaded documents. */
    public PageFetchTool.BinaryContentReader forDownloads() {
        return (body, mediaType, fileName) -> {
            try {
                return read(body, fileName);
            } catch (DocumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
    }

    private String detect(Path file) throws IOException {
        return tika.detect(file).toLowerCase(Locale.ROOT);
    }

    private static boolean isWorkbook(String type) {
        return type.equals("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                || type.equals("application/vnd.ms-excel")
                || type.equals("application/vnd.ms-excel.sheet.macroenabled.12");
    }

    private static boolean isPlainText(String type) {
        return type.startsWith("text/") && !type.equals("text/html") && !type.equals("text/rtf")
                || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml") || type.equals("application/x-ndjson");
    }

    private DocumentText plainText(Path file, String type) throws IOException, TikaException {
        try (InputStream in = Files.newInputStream(file);
             AutoDetectReader reader = new AutoDetectReader(in);
             BufferedReader lines = new BufferedReader(reader)) {
            StringBuilder out = new StringBuilder();
            int count = 0;
            String line;
            boolean csv = type.equals("text/csv") || type.equals("text/tab-separated-values");
            while ((line = lines.readLine()) != null) {
                if (csv && count == settings.maxRows()) {
                    out.append("(more rows not shown: the limit is ").append(settings.maxRows()).append(" rows)\n");
                    break;
                }
                out.append(line).append('\n');
                count++;
            }
            String what = count + (csv ? " rows" : " lines") + ", " + reader.getCharset().name();
            return new DocumentText(type, what, out.toString().stripTrailing());
        }
    }

    private static DocumentText word(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             XWPFDocument document = new XWPFDocument(in);
             XWPFWordExtractor extractor = new XWPFWordExtractor(document)) {
            return new DocumentText(DOCX, "whole document", extractor.getText().strip());
        }
    }

    private DocumentText withTika(Path file, String type) throws DocumentException, IOException {
        BodyContentHandler handler = new BodyContentHandler((int) Math.min(Integer.MAX_VALUE, settings.maxChars() * 20L));
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, file.getFileName().toString());
        String suffix = "";
        try (InputStream in = Files.newInputStream(file)) {
            new AutoDetectParser().parse(in, handler, metadata, new ParseContext());
        } catch (SAXException e) {
            if (!WriteLimitReachedException.isWriteLimitReached(e)) {
                throw new DocumentException("cannot read " + file.getFileName() + " (" + type + "): " + e.getMessage(), e);
            }
            suffix = "\n(the document is longer; only its beginning was read)";
        } catch (TikaException e) {
            throw new DocumentException("cannot read " + file.getFileName() + " (" + type + "): " + e.getMessage(), e);
        }
        String text = handler.toString().strip();
        if (text.isEmpty()) {
            throw new DocumentException("no text could be read from " + file.getFileName() + " (" + type + ")");
        }
        return new DocumentText(type, "whole document", text + suffix);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}

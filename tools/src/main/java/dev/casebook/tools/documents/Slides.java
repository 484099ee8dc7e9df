package dev.casebook.tools.documents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFNotes;
import org.apache.poi.xslf.usermodel.XSLFShape;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFTable;
import org.apache.poi.xslf.usermodel.XSLFTableCell;
import org.apache.poi.xslf.usermodel.XSLFTableRow;
import org.apache.poi.xslf.usermodel.XSLFTextShape;

/** Text of selected PPTX slides (shapes, tables, speaker notes), each under a {@code --- slide N ---} line. */
final class Slides {
    private Slides() {
    }

    static DocumentText read(Path file, PageSelection selection) throws DocumentException, IOException {
        try (InputStream in = Files.newInputStream(file); XMLSlideShow show = new XMLSlideShow(in)) {
            List<XSLFSlide> slides = show.getSlides();
            SortedSet<Integer> selected = selection.within(slides.size(), "slide");
            StringBuilder out = new StringBuilder();
            for (int number : selected) {
                XSLFSlide slide = slides.get(number - 1);
                out.append("--- slide ").append(number).append(" ---\n");
                for (XSLFShape shape : slide.getShapes()) {
                    appendShape(out, shape);
                }
                XSLFNotes notes = slide.getNotes();
                if (notes != null) {
                    StringBuilder noteText = new StringBuilder();
                    for (XSLFShape shape : notes.getShapes()) {
                        if (shape instanceof XSLFTextShape text && !text.getText().isBlank()
                                && !text.getText().strip().equals(Integer.toString(number))) {
                            noteText.append(text.getText().strip()).append('\n');
                        }
                    }
                    if (!noteText.isEmpty()) {
                        out.append("Notes: ").append(noteText);
                    }
                }
                out.append('\n');
            }
            String what = selection.isAll() ? "all " + slides.size() + " slides"
                    : "slides " + Ranges.of(selected) + " of " + slides.size();
            return new DocumentText("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    what, out.toString().strip());
        }
    }

    private static void appendShape(StringBuilder out, XSLFShape shape) {
        if (shape instanceof XSLFTextShape text && !text.getText().isBlank()) {
            out.append(text.getText().strip()).append('\n');
        } else if (shape instanceof XSLFTable table) {
            for (XSLFTableRow row : table.getRows()) {
                out.append(String.join(" | ", row.getCells().stream().map(XSLFTableCell::getText)
                        .map(String::strip).toList())).append('\n');
            }
        }
    }
}

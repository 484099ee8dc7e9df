package dev.casebook.tools.documents;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SortedSet;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** Text of selected PDF pages, each under a {@code --- page N ---} line. */
final class PdfPages {
    private PdfPages() {
    }

    static DocumentText read(Path file, PageSelection selection) throws DocumentException, IOException {
        try (PDDocument document = Loader.loadPDF(file.toFile())) {
            int count = document.getNumberOfPages();
            SortedSet<Integer> pages = selection.within(count, "page");
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            StringBuilder out = new StringBuilder();
            for (int page : pages) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                out.append("--- page ").append(page).append(" ---\n").append(stripper.getText(document).strip())
                        .append("\n\n");
            }
            String what = selection.isAll() ? "all " + count + " page" + (count == 1 ? "" : "s")
                    : "pages " + Ranges.of(pages) + " of " + count;
            return new DocumentText("application/pdf", what, out.toString().strip());
        } catch (InvalidPasswordException e) {
            throw new DocumentException("the PDF is encrypted with a password");
        }
    }
}

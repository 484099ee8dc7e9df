package dev.casebook.tools.documents;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFFormulaEvaluator;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFTable;

/** Documents written by PDFBox and POI in the test, so no binary fixture is committed. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path pdf(Path file, List<String> pageTexts) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String text : pageTexts) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(text);
                    content.endText();
                }
            }
            document.save(file.toFile());
        }
        return file;
    }

    public static Path docx(Path file) throws IOException {
        try (XWPFDocument document = new XWPFDocument(); OutputStream out = Files.newOutputStream(file)) {
            document.createParagraph().createRun().setText("Quarterly report of the Casebook project.");
            document.createParagraph().createRun().setText("Revenue grew in every region.");
            XWPFTable table = document.createTable(2, 2);
            table.getRow(0).getCell(0).setText("Region");
            table.getRow(0).getCell(1).setText("Revenue");
            table.getRow(1).getCell(0).setText("North");
            table.getRow(1).getCell(1).setText("1200");
            document.write(out);
        }
        return file;
    }

    public static Path xlsx(Path file) throws IOException {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            XSSFSheet sales = workbook.createSheet("Sales");
            String[][] rows = {{"Item", "Price", "Quantity"}, {"apple", "0.5", "10"}, {"pear", "0.75", "4"}};
            for (int r = 0; r < rows.length; r++) {
                XSSFRow row = sales.createRow(r);
                for (int c = 0; c < rows[r].length; c++) {
                    if (r > 0 && c > 0) {
                        row.createCell(c).setCellValue(Double.parseDouble(rows[r][c]));
                    } else {
                        row.createCell(c).setCellValue(rows[r][c]);
                    }
                }
                if (r > 0) {
                    row.createCell(3).setCellFormula("B" + (r + 1) + "*C" + (r + 1));
                }
            }
            sales.getRow(0).createCell(3).setCellValue("Total");
            XSSFSheet notes = workbook.createSheet("Notes");
            notes.createRow(0).createCell(0).setCellValue("prices in EUR");
            XSSFFormulaEvaluator.evaluateAllFormulaCells(workbook);
            workbook.write(out);
        }
        return file;
    }

    public static Path pptx(Path file, List<String> slideTexts) throws IOException {
        try (XMLSlideShow show = new XMLSlideShow(); OutputStream out = Files.newOutputStream(file)) {
            for (String text : slideTexts) {
                XSLFSlide slide = show.createSlide();
                XSLFTextBox box = slide.createTextBox();
                box.setAnchor(new Rectangle(50, 50, 500, 100));
                box.setText(text);
            }
            show.write(out);
        }
        return file;
    }
}

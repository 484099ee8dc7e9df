package dev.casebook.tools.documents;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.EncryptedDocumentException;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;

/**
 * Cells of XLSX/XLS sheets as lines {@code row: a | b | c}, values as Excel shows them (formulas by their cached
 * results). One sheet by name or 1-based number, or all sheets.
 */
final class Spreadsheets {
    private Spreadsheets() {
    }

    static DocumentText read(Path file, String mediaType, String sheetName, int maxRows)
            throws DocumentException, IOException {
        try (Workbook workbook = WorkbookFactory.create(file.toFile(), null, true)) {
            List<Sheet> sheets = select(workbook, sheetName);
            DataFormatter formatter = new DataFormatter();
            formatter.setUseCachedValuesForFormulaCells(true);
            StringBuilder out = new StringBuilder();
            if (sheetName == null) {
                List<String> names = new ArrayList<>();
                workbook.forEach(sheet -> names.add(sheet.getSheetName()));
                out.append("Sheets: ").append(String.join(", ", names)).append("\n\n");
            }
            for (Sheet sheet : sheets) {
                appendSheet(out, sheet, formatter, maxRows);
            }
            String what = sheets.size() == 1 ? "sheet \"" + sheets.getFirst().getSheetName() + "\""
                    : "all " + sheets.size() + " sheets";
            return new DocumentText(mediaType, what, out.toString().strip());
        } catch (EncryptedDocumentException e) {
            throw new DocumentException("the workbook is encrypted with a password");
        }
    }

    private static List<Sheet> select(Workbook workbook, String sheetName) throws DocumentException {
        List<Sheet> all = new ArrayList<>();
        workbook.forEach(all::add);
        if (sheetName == null) {
            return all;
        }
        Sheet byName = workbook.getSheet(sheetName);
        if (byName != null) {
            return List.of(byName);
        }
        if (sheetName.strip().matches("\\d{1,4}")) {
            int index = Integer.parseInt(sheetName.strip());
            if (index >= 1 && index <= all.size()) {
                return List.of(all.get(index - 1));
            }
        }
        List<String> names = all.stream().map(Sheet::getSheetName).toList();
        throw new DocumentException("there is no sheet '" + sheetName + "'; the sheets are " + names
                + " (name one or give its number from 1)");
    }

    private static void appendSheet(StringBuilder out, Sheet sheet, DataFormatter formatter, int maxRows) {
        out.append("## Sheet \"").append(sheet.getSheetName()).append("\"\n");
        int written = 0;
        for (Row row : sheet) {
            if (written == maxRows) {
                out.append("(more rows not shown: the limit is ").append(maxRows).append(" rows per sheet)\n");
                break;
            }
            List<String> cells = new ArrayList<>();
            for (int column = 0; column < Math.max(row.getLastCellNum(), 0); column++) {
                Cell cell = row.getCell(column);
                cells.add(cell == null ? "" : formatter.formatCellValue(cell).replace('\n', ' '));
            }
            while (!cells.isEmpty() && cells.getLast().isEmpty()) {
                cells.removeLast();
            }
            if (!cells.isEmpty()) {
                out.append(row.getRowNum() + 1).append(": ").append(String.join(" | ", cells)).append('\n');
                written++;
            }
        }
        out.append('\n');
    }
}

package dev.casebook.server.evaluation;

import dev.casebook.eval.data.Dataset;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.UploadName;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Uploads a dataset file (JSONL, parquet or CSV) for runs. It is read at once, so a malformed file is refused with
 * its row number and not kept. The answer names it as {@code upload:<id>/<file>} for {@code POST /api/evaluations/runs}
 * of the same tenant: uploads are kept per tenant ({@link DatasetPaths}).
 */
@RestController
@RequestMapping("/api/evaluations")
class DatasetsController {
    private final DatasetPaths paths;

    DatasetsController(DatasetPaths paths) {
        this.paths = paths;
    }

    @PostMapping("/datasets")
    @Operation(summary = "Upload a dataset", description = "a .jsonl, .parquet or .csv file, read to check it; 201 "
            + "with the path an evaluation run names it by, its format and its number of items")
    ResponseEntity<Map<String, Object>> upload(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                                               @RequestParam("file") MultipartFile file,
                                               @RequestParam(required = false) String format) throws IOException {
        String original = file.getOriginalFilename() == null ? "" : UploadName.of(file.getOriginalFilename(), "")
                .value();
        String lower = original.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".jsonl") || lower.endsWith(".parquet") || lower.endsWith(".csv"))) {
            throw ApiException.badRequest("a dataset upload must be a .jsonl, .parquet or .csv file, was '" + original + "'");
        }
        String safeName = original.replaceAll("[^A-Za-z0-9._-]", "_");
        String id = UUID.randomUUID().toString();
        Path folder = paths.uploadFolder(tenant).resolve(id);
        Files.createDirectories(folder);
        Path target = folder.resolve(safeName);
        try (InputStream in = file.getInputStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            FileSystemUtils.deleteRecursively(folder);
            throw e;
        }
        Dataset dataset;
        try {
            dataset = RunCreation.read(target, format, "validation");
        } catch (ApiException e) {
            FileSystemUtils.deleteRecursively(folder);
            throw new ApiException(e.status(), e.getMessage().replace(target.toString(), original));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", DatasetPaths.UPLOAD + id + "/" + safeName);
        out.put("format", dataset.format().name().toLowerCase(Locale.ROOT));
        out.put("items", dataset.size());
        return ResponseEntity.status(HttpStatus.CREATED).body(out);
    }
}

package dev.casebook.eval.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The questions read from one file or folder, in file order. */
public record Dataset(String name, DatasetFormat format, Path path, List<EvalItem> items) {
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        items = List.copyOf(items);
    }

    public int size() {
        return items.size();
    }
}

package dev.casebook.server.openai;

import dev.casebook.server.attachments.AttachmentStore;
import dev.casebook.tools.Tool;
import dev.casebook.tools.code.CodeExecutionTool;
import dev.casebook.tools.documents.ReadDocumentTool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The files of a chat as the task's attachments, where the server's tools can read them: documents with
 * {@code read_document} or {@code execute_code}, images only with {@code execute_code} (no tool reads pictures by
 * themselves). Anything else is a 400 that says which tool is missing, so a file is never silently dropped.
 */
@Component
class ChatAttachments {
    private final AttachmentStore store;
    private final ObjectProvider<Tool> tools;

    ChatAttachments(AttachmentStore store, ObjectProvider<Tool> tools) {
        this.store = store;
        this.tools = tools;
    }

    /** Keeps the inline files and checks the uploaded ones; the attachment ids, in order. */
    List<String> keep(String tenant, List<FilePart> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        Set<String> names = tools.orderedStream().map(Tool::name).collect(Collectors.toSet());
        boolean code = names.contains(CodeExecutionTool.NAME);
        boolean documents = code || names.contains(ReadDocumentTool.NAME);
        for (FilePart file : files) {
            boolean image = file instanceof FilePart.Inline inline && inline.image();
            if (image ? !code : !documents) {
                throw OpenAiException.unsupported(file.param(), "'" + file.param() + "' is " + (image
                        ? "an image, which only the " + CodeExecutionTool.NAME + " tool can read"
                        : "a file, which only the " + ReadDocumentTool.NAME + " or " + CodeExecutionTool.NAME
                        + " tool can read") + ", and this server does not offer it");
            }
        }
        List<String> ids = new ArrayList<>();
        for (FilePart file : files) {
            switch (file) {
                case FilePart.Uploaded uploaded -> {
                    if (store.path(tenant, uploaded.attachmentId()).isEmpty()) {
                        throw new OpenAiException(HttpStatus.BAD_REQUEST, file.param(), "file_not_found",
                                "no attachment with id '" + uploaded.attachmentId() + "' (upload files with POST "
                                        + "/api/attachments)");
                    }
                    ids.add(uploaded.attachmentId());
                }
                case FilePart.Inline inline -> {
                    if (inline.bytes().length == 0) {
                        throw OpenAiException.invalid(file.param(), "'" + file.param() + "' is an empty file");
                    }
                    try {
                        ids.add(store.store(tenant, inline.name(), inline.mimeType(),
                                new ByteArrayInputStream(inline.bytes())).id());
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not keep the file " + inline.name() + " of "
                                + file.param(), e);
                    }
                }
            }
        }
        return ids;
    }
}

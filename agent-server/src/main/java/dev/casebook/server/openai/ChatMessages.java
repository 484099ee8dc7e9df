package dev.casebook.server.openai;

import dev.casebook.server.agent.Conversation;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The {@code messages} of a chat completion request read as a task: the last message, the user's, is the task; the
 * {@code system} and {@code developer} messages are the application's instructions; the other {@code user} and
 * {@code assistant} messages are the conversation so far, newest first up to {@code maxContextChars} characters.
 * Content is a string or an array of parts: {@code text}, {@code image_url} with a {@code data:} URL, {@code file}
 * with {@code file_data} or {@code file_id}; files of every user message become attachments. Tool messages and tool
 * calls are refused: Casebook runs its own tools.
 *
 * @param task         the last user message's text
 * @param instructions the system and developer messages, joined
 * @param turns        the earlier user and assistant messages kept, oldest first
 * @param omitted      earlier messages left out for length
 * @param files        the files of the user messages
 */
record ChatMessages(String task, String instructions, List<Conversation.Turn> turns, int omitted,
        List<FilePart> files) {

    ChatMessages {
        turns = List.copyOf(turns);
        files = List.copyOf(files);
    }

    static ChatMessages read(JsonNode messages, int maxContextChars) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw OpenAiException.invalid("messages", "'messages' must be a non-empty array of chat messages");
        }
        List<String> instructions = new ArrayList<>();
        List<Conversation.Turn> turns = new ArrayList<>();
        List<FilePart> files = new ArrayList<>();
        Content content = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!message.isObject()) {
                throw OpenAiException.invalid(param, "'" + param + "' must be an object with 'role' and 'content'");
            }
            String role = message.path("role").asString("");
            switch (role) {
                case "system", "developer" -> instructions.add(content(message, param, false, files).text());
                case "user" -> {
                    content = content(message, param, true, files);
                    turns.add(new Conversation.Turn("user", content.withNote()));
                }
                case "assistant" -> {
                    if (message.has("tool_calls") && !message.path("tool_calls").isNull()
                            || message.has("function_call") && !message.path("function_call").isNull()) {
                        throw OpenAiException.unsupported(param + ".tool_calls", "'" + param + "' has tool calls: "
                                + "Casebook runs its own tools and takes no client-side tools or their results");
                    }
                    turns.add(new Conversation.Turn("assistant", content(message, param, false, files).text()));
                }
                case "tool", "function" -> throw OpenAiException.unsupported(param + ".role", "'" + param + "' is a "
                        + role + " result: Casebook runs its own tools and takes no client-side tools or their results");
                default -> throw OpenAiException.invalid(param + ".role", "'" + param + ".role' must be system, "
                        + "developer, user or assistant, was '" + role + "'");
            }
        }
        String lastParam = "messages[" + (messages.size() - 1) + "]";
        if (!"user".equals(messages.get(messages.size() - 1).path("role").asString(""))) {
            throw OpenAiException.invalid(lastParam, "the last message must be the user's: it is the task");
        }
        turns.removeLast();
        String task = content.text().strip();
        if (task.isBlank()) {
            throw OpenAiException.invalid(lastParam + ".content", "the last user message has no text: it is the "
                    + "task to work on");
        }
        int kept = 0;
        int chars = 0;
        for (int i = turns.size() - 1; i >= 0 && chars + turns.get(i).text().length() <= maxContextChars; i--) {
            chars += turns.get(i).text().length();
            kept++;
        }
        int omitted = turns.size() - kept;
        return new ChatMessages(task, String.join("\n\n", instructions.stream().filter(s -> !s.isBlank()).toList()),
                turns.subList(omitted, turns.size()), omitted, files);
    }

    /** A message's text and the names of the files it carried. */
    private record Content(String text, List<String> attached) {
        /** The text as an earlier turn shows it: with a note of its files. */
        String withNote() {
            return attached.isEmpty() ? text : text + "\n[attached: " + String.join(", ", attached) + "]";
        }
    }

    /** A message's content; its files (user messages only) added to {@code files}. */
    private static Content content(JsonNode message, String param, boolean filesAllowed, List<FilePart> files) {
        JsonNode content = message.path("content");
        if (content.isString()) {
            return new Content(content.asString(), List.of());
        }
        if (content.isNull() || content.isMissingNode()) {
            return new Content("", List.of());
        }
        if (!content.isArray()) {
            throw OpenAiException.invalid(param + ".content", "'" + param + ".content' must be a string or an array "
                    + "of content parts");
        }
        StringBuilder text = new StringBuilder();
        List<String> attached = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partParam = param + ".content[" + j + "]";
            String type = part.path("type").asString("");
            switch (type) {
                case "text", "input_text", "refusal" -> {
                    String field = type.equals("refusal") ? "refusal" : "text";
                    if (!part.path(field).isString()) {
                        throw OpenAiException.invalid(partParam + "." + field, "'" + partParam + "." + field
                                + "' must be a string");
                    }
                    text.append(text.isEmpty() ? "" : "\n").append(part.path(field).asString());
                }
                case "image_url", "file" -> {
                    if (!filesAllowed) {
                        throw OpenAiException.unsupported(partParam, "'" + partParam + "' is a " + type + " part; "
                                + "only user messages may carry files");
                    }
                    FilePart file = type.equals("file") ? file(part.path("file"), partParam, files.size() + 1)
                            : image(part.path("image_url"), partParam, files.size() + 1);
                    files.add(file);
                    attached.add(file instanceof FilePart.Inline inline ? inline.name() : "uploaded file");
                }
                default -> throw OpenAiException.unsupported(partParam + ".type", "'" + partParam + "' is a '" + type
                        + "' part; Casebook reads text, image_url (data: URLs) and file parts");
            }
        }
        return new Content(text.toString(), attached);
    }

    private static FilePart file(JsonNode file, String param, int n) {
        if (!file.isObject()) {
            throw OpenAiException.invalid(param + ".file", "'" + param + ".file' must be an object with 'file_data' "
                    + "(a data: URL or base64) or 'file_id'");
        }
        if (file.path("file_id").isString()) {
            return new FilePart.Uploaded(param + ".file.file_id", file.path("file_id").asString());
        }
        if (!file.path("file_data").isString()) {
            throw OpenAiException.invalid(param + ".file", "'" + param + ".file' needs 'file_data' (a data: URL or "
                    + "base64) or 'file_id' (an id from POST /api/attachments)");
        }
        String data = file.path("file_data").asString();
        String name = file.path("filename").asString("file-" + n);
        String mime = "application/octet-stream";
        if (data.startsWith("data:")) {
            DataUrl url = DataUrl.parse(data, param + ".file.file_data");
            return new FilePart.Inline(param, name, url.mimeType(), url.bytes(), false);
        }
        return new FilePart.Inline(param, name, mime, DataUrl.base64(data, param + ".file.file_data"), false);
    }

    private static FilePart image(JsonNode image, String param, int n) {
        String url = image.isString() ? image.asString() : image.path("url").asString("");
        if (!url.startsWith("data:")) {
            throw OpenAiException.unsupported(param + ".image_url", "'" + param + ".image_url' must be a data: URL "
                    + "(base64); Casebook does not download images named by a URL: send the image's bytes");
        }
        DataUrl data = DataUrl.parse(url, param + ".image_url.url");
        String subtype = data.mimeType().contains("/") ? data.mimeType().substring(data.mimeType().indexOf('/') + 1)
                : "bin";
        String extension = subtype.toLowerCase(Locale.ROOT).equals("jpeg") ? "jpg"
                : subtype.replaceAll("[^A-Za-z0-9]", "");
        return new FilePart.Inline(param, "image-" + n + "." + (extension.isEmpty() ? "bin" : extension),
                data.mimeType(), data.bytes(), true);
    }

    /** A {@code data:[<type>];base64,<data>} URL. */
    private record DataUrl(String mimeType, byte[] bytes) {
        static DataUrl parse(String url, String param) {
            int comma = url.indexOf(',');
            String head = comma < 0 ? "" : url.substring("data:".length(), comma);
            if (comma < 0 || !head.endsWith(";base64")) {
                throw OpenAiException.invalid(param, "'" + param + "' must be a base64 data: URL "
                        + "(data:<type>;base64,<data>)");
            }
            String type = head.substring(0, head.length() - ";base64".length());
            return new DataUrl(type.isBlank() ? "application/octet-stream" : type,
                    base64(url.substring(comma + 1), param));
        }

        static byte[] base64(String data, String param) {
            try {
                return Base64.getDecoder().decode(data.replaceAll("\\s", "")); // line breaks allowed, nothing else
            } catch (IllegalArgumentException e) {
                throw OpenAiException.invalid(param, "'" + param + "' is not valid base64: " + e.getMessage());
            }
        }
    }
}

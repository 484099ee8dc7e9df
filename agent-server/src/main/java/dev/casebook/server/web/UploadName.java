package dev.casebook.server.web;

import java.nio.charset.StandardCharsets;

/**
 * The file name an upload is kept under: the last element of the name the client gave (after {@code /} or
 * {@code \}), checked before anything is written. A name that names no file ({@code /}, {@code .}, {@code ..}), holds a
 * control character (such as U+0000) or an unpaired surrogate, or has more than 255 bytes in UTF-8 (the file systems'
 * limit) is a 400 problem that says which.
 */
public record UploadName(String value) {
    public static final int MAX_BYTES = 255;

    public UploadName {
        if (value == null || value.isEmpty() || value.equals(".") || value.equals("..")
                || value.indexOf('/') >= 0 || value.indexOf('\\') >= 0) {
            throw ApiException.badRequest("the upload's file name '" + value + "' names no file");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ApiException.badRequest("the upload's file name contains the control character U+"
                        + String.format("%04X", (int) value.charAt(i)) + " at character " + i);
            }
        }
        StorableText.flaw(value).ifPresent(flaw -> {
            throw ApiException.badRequest("the upload's file name contains " + flaw);
        });
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw ApiException.badRequest("the upload's file name has " + bytes + " bytes in UTF-8, more than "
                    + MAX_BYTES);
        }
    }

    /** The name of the client's {@code original} (which may be a path), or {@code fallback} when it gave none. */
    public static UploadName of(String original, String fallback) {
        if (original == null || original.isBlank()) {
            return new UploadName(fallback);
        }
        String last = original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
        if (last.isEmpty() || last.equals(".") || last.equals("..")) {
            throw ApiException.badRequest("the upload's file name '" + original + "' names no file");
        }
        return new UploadName(last);
    }
}

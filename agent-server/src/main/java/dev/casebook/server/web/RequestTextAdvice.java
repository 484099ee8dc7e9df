package dev.casebook.server.web;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Refuses a request body with text that cannot be stored as it is ({@link StorableText}): every string of a JSON
 * body (record fields, list elements, map keys and values, the values and keys of a free-form JSON tree, however deep),
 * and a body read whole as text (JSONL) with the escapes in it. The 400 problem names the field: {@code field 'tasks[1]' contains U+0000 (NUL) at character 3}.
 */
@ControllerAdvice
class RequestTextAdvice extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter,
            Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        if (body instanceof String text) {
            StorableText.flawInJson(text).ifPresent(flaw -> {
                throw ApiException.badRequest("the request body contains " + flaw + "; text may not contain U+0000"
                        + " or unpaired surrogates");
            });
        } else {
            check(body, "");
        }
        return body;
    }

    private static void check(Object value, String path) {
        switch (value) {
            case null -> {
            }
            case CharSequence text -> refuse(StorableText.flaw(text), path);
            case Collection<?> list -> {
                int i = 0;
                for (Object element : list) {
                    check(element, path + "[" + i++ + "]");
                }
            }
            case Map<?, ?> map -> map.forEach((key, element) -> {
                String at = join(path, String.valueOf(key));
                if (key instanceof CharSequence name) {
                    refuse(StorableText.flaw(name).map(flaw -> "a key with " + flaw), path);
                }
                check(element, at);
            });
            case JsonNode node when node.isString() -> refuse(StorableText.flaw(node.asString()), path);
            case JsonNode node when node.isArray() -> {
                for (int i = 0; i < node.size(); i++) {
                    check(node.get(i), path + "[" + i + "]");
                }
            }
            case JsonNode node when node.isObject() -> node.properties().forEach(field -> {
                refuse(StorableText.flaw(field.getKey()).map(flaw -> "a key with " + flaw), path);
                check(field.getValue(), join(path, field.getKey()));
            });
            case Record record -> {
                for (Component component : COMPONENTS.get(record.getClass())) {
                    check(component.read(record), join(path, component.name()));
                }
            }
            default -> {
            }
        }
    }

    /**
     * A record's components and their accessors, reflected once per class: {@code getRecordComponents} hands out
     * new accessor objects on every call, and each one's first {@code invoke} builds a method accessor anew, which
     * was most of this check's cost per request (docs/performance.md).
     */
    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            List<Component> components = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                components.add(new Component(component.getName(), accessor));
            }
            return List.copyOf(components);
        }
    };

    private record Component(String name, Method accessor) {
        Object read(Record record) {
            try {
                return accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + name + " of a request body", e);
            }
        }
    }

    private static void refuse(Optional<String> flaw, String path) {
        flaw.ifPresent(f -> {
            throw ApiException.badRequest("field '" + (path.isEmpty() ? "(body)" : path) + "' contains " + f
                    + "; text may not contain U+0000 or unpaired surrogates");
        });
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}

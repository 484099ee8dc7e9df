package dev.casebook.memory.lucene;

import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceJson;
import java.util.List;
import java.util.Objects;

/**
 * A case's evidence as it travels through the store: the events, their JSON (the stored field), or both, each made
 * from the other once, when first asked for. A look-up that only rewrites a case's counts, label or confirmation
 * (the credit after every episode) neither parses the stored JSON nor writes it again; a merge that appends an event
 * parses it. Immutable from the outside: the events are an unmodifiable list and the two forms always agree (a race
 * to fill one in makes two equal values, either kept).
 */
final class Events {
    private volatile List<Evidence> list;
    private volatile String json;

    private Events(List<Evidence> list, String json) {
        this.list = list;
        this.json = json;
    }

    /** Events already parsed (or just made); their JSON is written when first asked for. */
    static Events of(List<Evidence> events) {
        return new Events(List.copyOf(events), null);
    }

    /** Events as stored; parsed when first asked for. */
    static Events ofJson(String json) {
        return new Events(null, Objects.requireNonNull(json, "json"));
    }

    List<Evidence> list() {
        List<Evidence> events = list;
        if (events == null) {
            events = List.copyOf(EvidenceJson.read(json));
            list = events;
        }
        return events;
    }

    String json() {
        String text = json;
        if (text == null) {
            text = EvidenceJson.write(list);
            json = text;
        }
        return text;
    }

    /** Whether the stored JSON was parsed; for tests. */
    boolean parsed() {
        return list != null;
    }
}

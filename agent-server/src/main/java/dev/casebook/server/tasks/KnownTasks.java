package dev.casebook.server.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The tasks this instance knows to exist, by tenant and id: those submitted here and those a check found. A task
 * record is never deleted (a batch item recorded again is replaced under the same id and tenant in one transaction),
 * so knowing that one exists never goes stale; a task not known is asked of the database every time, since another
 * replica may record it at any moment. At most {@value #CAPACITY} are kept, the least recently used forgotten first.
 */
@Component
class KnownTasks {
    static final int CAPACITY = 10_000;

    private final Map<String, Boolean> known = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void add(String tenant, String id) {
        known.put(key(tenant, id), Boolean.TRUE);
    }

    synchronized boolean contains(String tenant, String id) {
        return known.get(key(tenant, id)) != null;
    }

    private static String key(String tenant, String id) {
        return tenant + '\u0000' + id;
    }
}

package dev.casebook.memory.pgvector;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source over a real one that counts the calls which send something to PostgreSQL and wait for its answer:
 * executing a statement (a statement list sent at once counts one) and ending a transaction. pgjdbc sends
 * {@code BEGIN} with the first statement of a transaction, and preparing a statement sends nothing by itself. It
 * also counts the connections taken from the data source.
 */
final class RoundTrips extends WatchedDataSource {
    private static final Set<String> TRIPS = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch", "commit", "rollback");

    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger checkouts = new AtomicInteger();

    RoundTrips(DataSource real) {
        super(real);
    }

    int count() {
        return count.get();
    }

    /** The connections taken from the pool: each one a task may wait for when the pool is busy. */
    int checkouts() {
        return checkouts.get();
    }

    void reset() {
        count.set(0);
        checkouts.set(0);
    }

    @Override
    Connection watched(Connection taken) {
        checkouts.incrementAndGet();
        return counted(taken, Connection.class);
    }

    private <T> T counted(T target, Class<T> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (TRIPS.contains(method.getName())) {
                count.incrementAndGet();
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement s && method.getReturnType().isInterface()) {
                @SuppressWarnings("unchecked")
                Class<Statement> statementType = (Class<Statement>) method.getReturnType();
                return counted(s, statementType);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}

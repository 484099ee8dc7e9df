package dev.casebook.server.storage;

import dev.casebook.memory.StorableText;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The one storage boundary every persisted text passes: a {@link DataSource} whose prepared statements make each
 * text they bind storable ({@link StorableText}) before the driver sees it. Run records (task records and steps,
 * batch item results, replay transitions) written through {@code JdbcTemplate}, the JPA repositories and the pgvector
 * case store all bind their text here, so text from a model (or a dataset) with U+0000 or an unpaired surrogate is
 * stored with U+FFFD in their place instead of failing the write on PostgreSQL. JSON documents keep such characters
 * escaped as JSON allows ({@code \u0000}), which any text column stores; the H2 database gets the same text as
 * PostgreSQL. Statements run as plain SQL text ({@code Statement.execute}) are the code's own and are left alone.
 */
final class StorableTextDataSource extends DelegatingDataSource implements AutoCloseable {
    /** The setters whose second argument is the value bound: a {@code String} is made storable. */
    private static final Set<String> BINDS = Set.of("setString", "setNString", "setObject");
    /**
     * What is reflected, once: the proxy classes' constructors and each JDBC method made accessible, so a connection
     * or statement is not a proxy class lookup and each call not an access check (2.7% of a task's server CPU,
     * docs/performance.md).
     */
    private static final ClassValue<Constructor<?>> PROXIES = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            InvocationHandler none = (proxy, method, args) -> null;
            try {
                return Proxy.newProxyInstance(StorableTextDataSource.class.getClassLoader(), new Class<?>[] {type},
                        none).getClass().getConstructor(InvocationHandler.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a proxy class of " + type.getName() + " has no handler constructor",
                        e);
            }
        }
    };
    private static final Map<Method, Method> ACCESSIBLE = new ConcurrentHashMap<>();

    public StorableTextDataSource(DataSource target) {
        super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connection(super.getConnection(username, password));
    }

    /** Closes the wrapped data source (a connection pool): this one replaces it as the bean that is destroyed. */
    @Override
    public void close() throws Exception {
        if (obtainTargetDataSource() instanceof AutoCloseable pool) {
            pool.close();
        }
    }

    private static Connection connection(Connection target) {
        return proxy(Connection.class, target, (method, args) -> {
            Object result = invoke(target, method, args);
            return switch (result) {
                case CallableStatement call when method.getName().equals("prepareCall") ->
                        statement(CallableStatement.class, call);
                case PreparedStatement statement when method.getName().equals("prepareStatement") ->
                        statement(PreparedStatement.class, statement);
                case null, default -> result;
            };
        });
    }

    private static <S extends PreparedStatement> S statement(Class<S> type, S target) {
        return proxy(type, target, (method, args) -> {
            if (args != null && args.length >= 2 && args[1] instanceof String text
                    && BINDS.contains(method.getName())) {
                args[1] = StorableText.of(text);
            }
            return invoke(target, method, args);
        });
    }

    /** A call on a proxied JDBC object: the method and its arguments. */
    private interface Call {
        Object on(Method method, Object[] args) throws Throwable;
    }

    /** A proxy of {@code type} that is equal only to itself and hands every other call to {@code call}. */
    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "StorableText(" + target + ")";
                };
            }
            return call.on(method, args);
        };
        try {
            return type.cast(PROXIES.get(type).newInstance(handler));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a proxy of " + type.getName(), e);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return ACCESSIBLE.computeIfAbsent(method, StorableTextDataSource::accessible).invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A copy of the (public, interface) method that skips the access check on every call. */
    private static Method accessible(Method method) {
        try {
            Method copy = method.getDeclaringClass().getMethod(method.getName(), method.getParameterTypes());
            copy.setAccessible(true);
            return copy;
        } catch (NoSuchMethodException | RuntimeException e) {
            return method;
        }
    }
}

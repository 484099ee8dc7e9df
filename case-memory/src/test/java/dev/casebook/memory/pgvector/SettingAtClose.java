package dev.casebook.memory.pgvector;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A data source over a real one whose connections read a setting just before they are closed, in the transaction
 * still open: over a pool that does not auto-commit, what the work on the connection set locally
 * ({@code set_config(name, value, true)}) is still in force then. Empty text where the setting is unknown.
 */
final class SettingAtClose extends WatchedDataSource {
    private final String setting;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    SettingAtClose(DataSource real, String setting) {
        super(real);
        this.setting = setting;
    }

    /** The setting as each connection closed since the last {@link #clear()} saw it, in order. */
    List<String> seen() {
        return List.copyOf(seen);
    }

    void clear() {
        seen.clear();
    }

    @Override
    Connection watched(Connection target) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && !target.isClosed()) {
                        try (PreparedStatement s = target.prepareStatement(
                                "select coalesce(current_setting(?, true), '')")) {
                            s.setString(1, setting);
                            try (ResultSet rs = s.executeQuery()) {
                                rs.next();
                                seen.add(rs.getString(1));
                            }
                        }
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

package dev.casebook.memory.pgvector;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source over a real one whose connections a test watches: each connection taken is handed to
 * {@link #watched(Connection)}; everything else is the real data source's.
 */
abstract class WatchedDataSource implements DataSource {
    private final DataSource real;

    WatchedDataSource(DataSource real) {
        this.real = real;
    }

    /** The connection the caller gets in place of {@code taken}. */
    abstract Connection watched(Connection taken);

    @Override
    public Connection getConnection() throws SQLException {
        return watched(real.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return watched(real.getConnection(user, password));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return real.isWrapperFor(iface);
    }
}

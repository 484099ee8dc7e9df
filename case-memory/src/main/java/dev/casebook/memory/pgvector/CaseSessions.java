package dev.casebook.memory.pgvector;

import dev.casebook.memory.StoreException;
import jakarta.persistence.PersistenceException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.exception.JDBCConnectionException;
import org.hibernate.exception.LockAcquisitionException;

/**
 * The Hibernate side of {@link PgVectorCaseStore}: a session factory that maps {@link CaseRow} over the store's data
 * source (no schema generation; Flyway owns the schema), and transactions whose failures say what failed: an
 * {@link IllegalArgumentException} of the work passes through as it is, a broken connection or a lock not granted
 * becomes a retryable {@link StoreException}, any other persistence failure a final one.
 */
final class CaseSessions implements AutoCloseable {
    private final SessionFactory factory;

    private CaseSessions(SessionFactory factory) {
        this.factory = factory;
    }

    /** @throws StoreException when Hibernate does not start on {@code dataSource} */
    static CaseSessions open(DataSource dataSource) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "none")
                .applySetting(AvailableSettings.SHOW_SQL, false)
                .build();
        try {
            return new CaseSessions(new MetadataSources(registry).addAnnotatedClass(CaseRow.class)
                    .buildMetadata().buildSessionFactory());
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw new StoreException("cannot start Hibernate for the cases table: " + e.getMessage(), false, e);
        }
    }

    /** Runs {@code work} in a transaction of its own, committed when it returns; {@code what} names it in failures. */
    <R> R inTransaction(String what, Function<Session, R> work) {
        try {
            return factory.fromTransaction(work);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (JDBCConnectionException | LockAcquisitionException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), true, e);
        } catch (PersistenceException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), false, e);
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}

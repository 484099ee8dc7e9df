package dev.casebook.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses to start with auth off unless the server uses the embedded database and listens on a loopback address,
 * and says loudly when auth is off. Runs before any bean is created, so no database is touched first.
 */
@Component
class StartupSecurityCheck implements BeanFactoryPostProcessor, EnvironmentAware {
    private static final Logger log = LoggerFactory.getLogger(StartupSecurityCheck.class);

    private Environment env;

    @Override
    public void setEnvironment(Environment environment) {
        this.env = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        boolean enabled = Binder.get(env).bind("casebook.security.enabled", Boolean.class).orElse(true);
        if (enabled) {
            log.info("API keys required on /api/** (casebook.security.api-keys and the api_keys table)");
            return;
        }
        String address = env.getProperty("server.address", "");
        String url = env.getProperty("spring.datasource.url", "");
        if (!loopback(address)) {
            throw new IllegalStateException("casebook.security.enabled=false is only allowed when the server "
                    + "listens on a loopback address (server.address=127.0.0.1), but server.address is '"
                    + address + "'. Turn auth on and configure casebook.security.api-keys.");
        }
        if (!url.startsWith("jdbc:h2:")) {
            throw new IllegalStateException("casebook.security.enabled=false is only allowed on the embedded "
                    + "default database, but spring.datasource.url is '" + url + "'. Turn auth on.");
        }
        log.warn("""

                ************************************************************************
                *  AUTH IS OFF: every API request to {} is tenant 'default'.
                *  Allowed only on localhost with the embedded database. To turn it on,
                *  set casebook.security.enabled=true and configure API keys (README).
                ************************************************************************""", address);
    }

    private static boolean loopback(String address) {
        if (address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

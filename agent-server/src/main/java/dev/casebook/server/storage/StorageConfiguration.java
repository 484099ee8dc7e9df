package dev.casebook.server.storage;

import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every {@link DataSource} of the server is used through a {@link StorableTextDataSource}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    static BeanPostProcessor storableTextDataSources() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource data && !(bean instanceof StorableTextDataSource)
                        ? new StorableTextDataSource(data) : bean;
            }
        };
    }
}

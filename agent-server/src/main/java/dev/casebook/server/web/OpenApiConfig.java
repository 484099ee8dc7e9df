package dev.casebook.server.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Objects;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}), versioned like the build. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI casebookOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties props = build.getIfAvailable();
        String version = props != null ? props.getVersion()
                : Objects.requireNonNullElse(OpenApiConfig.class.getPackage().getImplementationVersion(),
                        "development");
        return new OpenAPI()
                .info(new Info().title("Casebook API").version(version)
                        .description("Agents that learn from cases: tasks, their steps and events, case memory."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").description("an API key (also accepted as X-API-Key)")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}

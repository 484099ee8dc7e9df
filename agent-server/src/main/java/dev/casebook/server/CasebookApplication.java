package dev.casebook.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Casebook server: agents that learn from cases, over REST, SSE and a web UI. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CasebookApplication {
    public static void main(String[] args) {
        SpringApplication.run(CasebookApplication.class, args);
    }
}

package dev.casebook.server.sandboxtasks;

import dev.casebook.server.tools.ToolSettings;
import dev.casebook.tools.Tool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sandbox that checks generated tasks, with the limits of the code tool's ({@code casebook.tools.code.*}). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SandboxTaskSettings.class)
class SandboxTaskConfiguration {

    @Bean
    TaskSandbox taskSandbox(ToolSettings tools, ObjectProvider<Tool> toolBeans, SandboxTaskSettings settings) {
        return new TaskSandbox(tools.code().toSettings(), () -> toolBeans.orderedStream().toList(), settings);
    }
}

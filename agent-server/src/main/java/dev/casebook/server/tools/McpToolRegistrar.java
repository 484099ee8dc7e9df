package dev.casebook.server.tools;

import dev.casebook.tools.Tool;
import dev.casebook.tools.mcp.McpBridge;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Starts the {@link McpBridge} for the configured MCP servers and registers each of their tools as a {@link Tool}
 * bean ({@code mcpTool.<server>__<tool>}), so they appear beside the built-ins. The tools check the calling tenant
 * against {@code casebook.tools.mcp.allowed-tools}. The bridge (bean {@code mcpBridge}) is closed with the context.
 */
final class McpToolRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        ToolSettings.Mcp mcp = Binder.get(environment).bind("casebook.tools", ToolSettings.class)
                .map(ToolSettings::mcp).orElseGet(() -> new ToolSettings.Mcp(null, null));
        if (mcp.servers().isEmpty() || !(registry instanceof DefaultListableBeanFactory factory)) {
            return;
        }
        McpBridge bridge = McpBridge.start(mcp.toSettings(), mcp.allowList());
        factory.registerSingleton("mcpBridge", bridge);
        factory.registerDisposableBean("mcpBridge", bridge::close);
        for (Tool tool : bridge.tenantCheckedTools()) {
            factory.registerSingleton("mcpTool." + tool.name(), tool);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        // everything happens while the registry is open
    }
}

package dev.casebook.server.tools;

import dev.casebook.tools.Tool;
import dev.casebook.tools.code.CodeExecutionTool;
import dev.casebook.tools.code.ProcessSandbox;
import dev.casebook.tools.documents.DocumentReader;
import dev.casebook.tools.documents.ReadDocumentTool;
import dev.casebook.tools.search.WebSearchTool;
import dev.casebook.tools.web.PageFetchTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The built-in tools as {@link Tool} beans (the agent offers every Tool bean), and the MCP servers' tools through
 * {@link McpToolRegistrar}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ToolSettings.class)
class ToolConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ToolConfiguration.class);

    @Bean
    DocumentReader documentReader(ToolSettings settings) {
        return new DocumentReader(settings.documents().toSettings());
    }

    @Bean
    Tool readDocumentTool(DocumentReader reader) {
        return new ReadDocumentTool(reader);
    }

    @Bean
    Tool webSearchTool(ToolSettings settings) {
        WebSearchTool tool = WebSearchTool.of(settings.search().toSettings());
        LOG.info("web search: {}", tool.providerName().orElse("no provider configured (casebook.tools.search.provider)"));
        return tool;
    }

    @Bean
    @ConditionalOnProperty(name = "casebook.tools.fetch.enabled", havingValue = "true", matchIfMissing = true)
    Tool fetchPageTool(ToolSettings settings, DocumentReader reader) {
        return new PageFetchTool(settings.fetch().toSettings(), reader.forDownloads());
    }

    @Bean
    @ConditionalOnProperty(name = "casebook.tools.code.enabled", havingValue = "true", matchIfMissing = true)
    Tool codeExecutionTool(ToolSettings settings) {
        CodeExecutionTool tool = new CodeExecutionTool(new ProcessSandbox(settings.code().toSettings()));
        LOG.info("code execution: languages {}, isolation {} ({}), run limits {} ({})", tool.languages(),
                tool.isolation(), tool.isolation().description(), tool.runLimits(), tool.runLimits().description());
        return tool;
    }

    @Bean
    static McpToolRegistrar mcpToolRegistrar() {
        return new McpToolRegistrar();
    }
}

package dev.casebook.server.agent;

import dev.casebook.server.llm.Models;
import dev.casebook.server.llm.PlannerConfigured;
import dev.casebook.tools.Tool;
import dev.casebook.tools.Toolbox;
import dev.casebook.tools.builtin.CalculatorTool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The agent, when a planner model is configured: the models of the roles, every {@link Tool} bean (the calculator at
 * least), and the case memory when this server has one.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentSettings.class)
class AgentConfiguration {

    @Bean
    @Conditional(PlannerConfigured.class)
    Agent agent(Models models, ObjectProvider<Tool> tools, ObjectProvider<AgentMemory> memory,
            AgentSettings settings) {
        return new CasebookAgent(models, toolbox(tools), memory.getIfAvailable(), settings);
    }

    @Bean
    @Conditional(PlannerConfigured.class)
    AgentFactory agentFactory(ObjectProvider<Tool> tools, ObjectProvider<AgentMemory> memory, AgentSettings settings) {
        return (models, replace) -> new CasebookAgent(models, replace.apply(toolbox(tools)), memory.getIfAvailable(),
                settings);
    }

    /** All tool beans by name (the first of a name wins), with the calculator when no bean provides one. */
    static Toolbox toolbox(ObjectProvider<Tool> beans) {
        Map<String, Tool> byName = new LinkedHashMap<>();
        beans.orderedStream().forEach(tool -> byName.putIfAbsent(tool.name(), tool));
        byName.putIfAbsent(CalculatorTool.NAME, new CalculatorTool());
        return new Toolbox(new ArrayList<>(byName.values()));
    }
}

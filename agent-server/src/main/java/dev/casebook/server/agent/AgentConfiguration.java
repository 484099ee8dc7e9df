package dev.casebook.server.agent;

import dev.casebook.server.llm.Models;
import dev.casebook.server.llm.PlannerConfigured;
import dev.casebook.tools.Tool;
import dev.casebook.tools.Toolbox;
import dev.casebook.tools.builtin.CalculatorTool;
import io.micrometer.core.instrument.MeterRegistry;
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

    /** Registered whether or not a model is configured: its counters are there at zero from the start. */
    @Bean
    NotRemembered notRemembered(ObjectProvider<MeterRegistry> registry) {
        return new NotRemembered(registry.getIfAvailable());
    }

    @Bean
    @Conditional(PlannerConfigured.class)
    Agent agent(Models models, ObjectProvider<Tool> tools, ObjectProvider<AgentMemory> memory,
            AgentSettings settings, NotRemembered notRemembered) {
        return new CasebookAgent(models, toolbox(tools), memory.getIfAvailable(), settings, notRemembered);
    }

    @Bean
    @Conditional(PlannerConfigured.class)
    AgentFactory agentFactory(ObjectProvider<Tool> tools, ObjectProvider<AgentMemory> memory, AgentSettings settings,
            NotRemembered notRemembered) {
        return (models, replace) -> new CasebookAgent(models, replace.apply(toolbox(tools)), memory.getIfAvailable(),
                settings, notRemembered);
    }

    /** All tool beans by name (the first of a name wins), with the calculator when no bean provides one. */
    static Toolbox toolbox(ObjectProvider<Tool> beans) {
        Map<String, Tool> byName = new LinkedHashMap<>();
        beans.orderedStream().forEach(tool -> byName.putIfAbsent(tool.name(), tool));
        byName.putIfAbsent(CalculatorTool.NAME, new CalculatorTool());
        return new Toolbox(new ArrayList<>(byName.values()));
    }
}

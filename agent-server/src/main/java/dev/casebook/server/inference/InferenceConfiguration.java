package dev.casebook.server.inference;

import dev.casebook.inference.InferenceEngine;
import dev.casebook.inference.InferenceRuntime;
import dev.casebook.server.memory.MemorySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The inference runtime from {@link InferenceProperties}, made the process's shared one (the Q-network reaches it
 * there). The device setting is checked at start-up against the engines this server's models will use (ONNX
 * Runtime with case memory on, PyTorch with the learned policy), so a GPU that is not there stops the start with
 * the devices each engine found. Once the server is ready, one log line says where each model runs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InferenceProperties.class)
class InferenceConfiguration {
    private static final Logger log = LoggerFactory.getLogger(InferenceConfiguration.class);

    @Bean
    InferenceRuntime inferenceRuntime(InferenceProperties properties, MemorySettings memory) {
        InferenceRuntime runtime = InferenceRuntime.open(properties.settings());
        if (memory.enabled()) {
            runtime.device(InferenceEngine.ONNX_RUNTIME);
            if (memory.policy().equals("learned")) {
                runtime.device(InferenceEngine.PYTORCH);
            }
        }
        InferenceRuntime.share(runtime);
        return runtime;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        log.info("Models: {}", event.getApplicationContext().getBean(InferenceRuntime.class).summary());
    }
}

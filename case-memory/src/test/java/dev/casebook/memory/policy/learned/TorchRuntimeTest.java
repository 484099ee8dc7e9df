package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Platform;
import ai.djl.util.Utils;
import dev.casebook.inference.InferenceEngine;
import dev.casebook.inference.InferenceRuntime;
import dev.casebook.inference.Placement;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TorchRuntimeTest {

    @Test
    void loads_libtorch_from_the_maven_artifact_in_offline_mode() {
        Engine engine = TorchRuntime.engine();

        assertThat(Utils.isOfflineMode()).as("DJL offline mode").isTrue();
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).isEqualTo("2.7.1");
        // the pytorch-native-cpu jar is on the class path (a placeholder platform would mean "download it")
        Platform bundled = Platform.detectPlatform("pytorch");
        assertThat(bundled.isPlaceholder()).isFalse();
        assertThat(bundled.getFlavor()).isEqualTo("cpu");
        // libtorch was extracted from that jar into DJL's cache, under the bundled version/flavor/classifier
        assertThat(Path.of(LibUtils.getLibtorchPath())).isEqualTo(Utils.getEngineCacheDir("pytorch")
                .resolve(bundled.getVersion() + "-cpu-" + bundled.getClassifier()).toAbsolutePath());
    }

    @Test
    void the_q_network_runs_on_the_shared_runtime_and_is_recorded_there() {
        InferenceRuntime shared = InferenceRuntime.shared();

        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(8))) {
            assertThat(network.device()).isEqualTo(shared.device(InferenceEngine.PYTORCH)).isEqualTo(Device.cpu());
            assertThat(network.score(new float[network.settings().width()], 1)).hasSize(1);
        }
        assertThat(shared.placements()).contains(new Placement("policy", "casebook-q", "PyTorch", "2.7.1", "cpu()"));
    }
}

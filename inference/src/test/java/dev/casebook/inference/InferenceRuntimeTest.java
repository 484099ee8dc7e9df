package dev.casebook.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.util.Utils;
import org.junit.jupiter.api.Test;

/** Engine and device selection on this machine, which has no GPU (the GPU branch is the refusal). */
class InferenceRuntimeTest {

    private static InferenceRuntime runtime(String device) {
        return InferenceRuntime.open(InferenceSettings.DEFAULTS.withDevice(DeviceChoice.parse(device)));
    }

    @Test
    void loads_both_engines_offline_from_the_class_path() {
        InferenceRuntime runtime = runtime("cpu");

        assertThat(runtime.engine(InferenceEngine.ONNX_RUNTIME).getEngineName()).isEqualTo("OnnxRuntime");
        assertThat(runtime.engine(InferenceEngine.ONNX_RUNTIME).getVersion()).isEqualTo("1.21.1");
        assertThat(runtime.engine(InferenceEngine.PYTORCH).getEngineName()).isEqualTo("PyTorch");
        assertThat(runtime.engine(InferenceEngine.PYTORCH).getVersion()).isEqualTo("2.7.1");
        assertThat(Utils.isOfflineMode()).as("DJL offline mode").isTrue();
    }

    @Test
    void cpu_and_auto_place_models_on_the_cpu_when_no_engine_finds_a_gpu() {
        for (String setting : new String[] {"cpu", "auto"}) {
            InferenceRuntime runtime = runtime(setting);
            assertThat(runtime.devices(InferenceEngine.ONNX_RUNTIME)).containsExactly(Device.cpu());
            assertThat(runtime.devices(InferenceEngine.PYTORCH)).containsExactly(Device.cpu());
            assertThat(runtime.device(InferenceEngine.ONNX_RUNTIME)).isEqualTo(Device.cpu());
            assertThat(runtime.device(InferenceEngine.PYTORCH)).isEqualTo(Device.cpu());
        }
    }

    @Test
    void a_gpu_that_is_not_there_is_refused_naming_what_each_engine_found() {
        InferenceRuntime runtime = runtime("gpu:3");

        assertThatThrownBy(() -> runtime.device(InferenceEngine.ONNX_RUNTIME))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessage("the inference device is gpu:3 (casebook.inference.device), but the OnnxRuntime engine "
                        + "1.21.1 found only cpu(): this ONNX Runtime build has no CUDA execution provider "
                        + "(docs/inference.md: the GPU build of ONNX Runtime)");
        assertThatThrownBy(() -> runtime.place("policy", "casebook-q", InferenceEngine.PYTORCH))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessage("the inference device is gpu:3 (casebook.inference.device), but the PyTorch engine "
                        + "2.7.1 found only cpu(): libtorch flavor cpu has no CUDA (docs/inference.md: a CUDA "
                        + "libtorch through PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR)");
        assertThat(runtime.placements()).as("a refused model is not placed").isEmpty();
        assertThatThrownBy(() -> runtime("gpu").device(InferenceEngine.ONNX_RUNTIME))
                .isInstanceOf(DeviceUnavailableException.class).hasMessageContaining("device is gpu:0");
    }

    @Test
    void remembers_where_each_model_went_for_the_start_up_line() {
        InferenceRuntime runtime = runtime("auto");
        assertThat(runtime.summary()).isEqualTo("inference device auto: no models loaded");

        runtime.place("embeddings", "all-minilm-l6-v2-q", InferenceEngine.ONNX_RUNTIME);
        runtime.place("policy", "casebook-q", InferenceEngine.PYTORCH);
        runtime.place("embeddings", "all-minilm-l6-v2-q", InferenceEngine.ONNX_RUNTIME);

        assertThat(runtime.placements()).containsExactly(
                new Placement("embeddings", "all-minilm-l6-v2-q", "OnnxRuntime", "1.21.1", "cpu()"),
                new Placement("policy", "casebook-q", "PyTorch", "2.7.1", "cpu()"));
        assertThat(runtime.summary()).isEqualTo("inference device auto: embeddings all-minilm-l6-v2-q on "
                + "OnnxRuntime 1.21.1 cpu(); policy casebook-q on PyTorch 2.7.1 cpu()");
    }
}

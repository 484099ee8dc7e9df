package dev.casebook.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    @Test
    void parses_the_four_forms_and_gives_them_back() {
        assertThat(DeviceChoice.parse("auto")).isEqualTo(DeviceChoice.AUTO).hasToString("auto");
        assertThat(DeviceChoice.parse(" CPU ")).isEqualTo(DeviceChoice.CPU).hasToString("cpu");
        assertThat(DeviceChoice.parse("gpu")).isEqualTo(new DeviceChoice.Gpu(0)).hasToString("gpu:0");
        assertThat(DeviceChoice.parse("gpu:2")).isEqualTo(new DeviceChoice.Gpu(2)).hasToString("gpu:2");
    }

    @Test
    void rejects_anything_else_naming_the_accepted_forms() {
        for (String bad : new String[] {"tpu", "gpu:", "gpu:-1", "gpu:one", "", "cuda:0"}) {
            assertThatThrownBy(() -> DeviceChoice.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("device '" + bad + "' is not one of auto, cpu, gpu, gpu:N (N = 0, 1, ...)");
        }
    }
}

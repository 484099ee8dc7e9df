package dev.casebook.server.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.server.tasks.TaskSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ClusterSettingsTest {

    private static <T> T bind(Class<T> type, Map<String, String> properties) {
        Binder binder = new Binder(new MapConfigurationPropertySource(properties));
        return binder.bindOrCreate("casebook.tasks", type);
    }

    @Test
    void reads_the_task_queue_properties_so_tasks_and_batch_items_share_one_lease() {
        Map<String, String> properties = Map.of("casebook.tasks.instance-id", "replica-2",
                "casebook.tasks.lease", "30s", "casebook.tasks.renew-interval", "4s",
                "casebook.tasks.max-running", "8");

        ClusterSettings cluster = bind(ClusterSettings.class, properties);
        TaskSettings tasks = bind(TaskSettings.class, properties);

        assertThat(cluster).isEqualTo(new ClusterSettings("replica-2", Duration.ofSeconds(30), Duration.ofSeconds(4)));
        assertThat(cluster).isEqualTo(new ClusterSettings(tasks.instanceId(), tasks.lease(), tasks.renewInterval()));
    }

    @Test
    void defaults_are_the_task_queues() {
        ClusterSettings cluster = bind(ClusterSettings.class, Map.of());
        TaskSettings tasks = bind(TaskSettings.class, Map.of());

        assertThat(cluster.lease()).isEqualTo(Duration.ofSeconds(60)).isEqualTo(tasks.lease());
        assertThat(cluster.renewInterval()).isEqualTo(Duration.ofSeconds(10)).isEqualTo(tasks.renewInterval());
        assertThat(cluster.instanceId()).isNotBlank().isEqualTo(tasks.instanceId());
    }

    @Test
    void rejects_a_renew_interval_not_shorter_than_the_lease() {
        assertThatThrownBy(() -> new ClusterSettings("a", Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("casebook.tasks.renew-interval (PT10S) must be shorter than casebook.tasks.lease (PT10S),"
                        + " or leases run out while renewed");
    }
}

package dev.casebook.tools.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the runs' cgroups would go, read from mount tables and {@code /proc/self/cgroup} texts as the kernel writes
 * them; the cgroup directories are plain directories here (the real ones are tried in {@code SandboxLimitsIT}).
 */
class CgroupLocatorTest {
    @TempDir
    Path fs;

    private Path cgroupDir(String path, String controllers, String subtree) throws IOException {
        Path dir = Files.createDirectories(fs.resolve(path));
        Files.writeString(dir.resolve("cgroup.controllers"), controllers);
        Files.writeString(dir.resolve("cgroup.subtree_control"), subtree);
        return dir;
    }

    private String mount(int id, String root, String point, String type, String options) {
        return id + " 23 0:" + id + " " + root + " " + fs.resolve(point).toString().replace(" ", "\\040")
                + " rw,relatime shared:" + id + " - " + type + " " + type + " " + options + "\n";
    }

    @Test
    void uses_the_v1_memory_and_pids_hierarchies_when_cgroup_v2_has_no_memory_controller() throws IOException {
        Path unified = cgroupDir("unified", "hugetlb\n", "");
        String mountinfo = mount(31, "/", "", "tmpfs", "rw,mode=755")
                + mount(32, "/", "cpu", "cgroup", "rw,cpu")
                + mount(35, "/", "memory", "cgroup", "rw,memory")
                + mount(39, "/", "pids", "cgroup", "rw,pids")
                + mount(41, "/", "unified", "cgroup2", "rw");
        String self = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/f06c\n1:cpu:/\n0::/\n";

        CgroupLocator.Candidates found = CgroupLocator.candidates(mountinfo, self, null);

        assertThat(found.trees()).containsExactly(new CgroupTree.V1(fs.resolve("memory/process_api/f06c"),
                fs.resolve("pids")));
        assertThat(found.refusals()).containsExactly("cgroup v2 at " + unified + ": the memory and pids controllers"
                + " are not available there (cgroup.controllers: hugetlb)");
    }

    @Test
    void hands_memory_and_pids_down_below_its_own_cgroup_v2_when_it_may() throws IOException {
        Path own = cgroupDir("cg/system.slice/casebook.service", "cpu memory pids\n", "\n");
        String mountinfo = mount(30, "/", "cg", "cgroup2", "rw,nsdelegate,memory_recursiveprot");

        CgroupLocator.Candidates found = CgroupLocator.candidates(mountinfo, "0::/system.slice/casebook.service\n",
                null);

        assertThat(found.trees()).containsExactly(new CgroupTree.V2(own));
        assertThat(found.refusals()).isEmpty();
        assertThat(own.resolve("cgroup.subtree_control")).hasContent("+memory +pids");
    }

    @Test
    void maps_the_cgroup_of_a_container_onto_the_part_of_the_hierarchy_mounted_there() throws IOException {
        Path mounted = cgroupDir("container cgroup", "memory pids\n", "memory pids\n");
        String mountinfo = mount(30, "/docker/abc", "container cgroup", "cgroup2", "rw");

        assertThat(CgroupLocator.candidates(mountinfo, "0::/docker/abc\n", null).trees())
                .containsExactly(new CgroupTree.V2(mounted));
        assertThat(CgroupLocator.candidates(mountinfo, "0::/other\n", null).refusals())
                .containsExactly("cgroup v2: this process's cgroup /other is outside the mounted part of it");
    }

    @Test
    void a_configured_parent_replaces_the_search_and_must_be_a_cgroup_v2_directory() throws IOException {
        Path delegated = cgroupDir("cg/casebook", "memory pids\n", "memory pids\n");
        String mountinfo = mount(35, "/", "memory", "cgroup", "rw,memory") + mount(39, "/", "pids", "cgroup", "rw,pids");

        assertThat(CgroupLocator.candidates(mountinfo, "4:memory:/\n8:pids:/\n", delegated).trees())
                .containsExactly(new CgroupTree.V2(delegated));
        assertThat(CgroupLocator.candidates(mountinfo, "4:memory:/\n8:pids:/\n", fs.resolve("memory")).refusals())
                .containsExactly("cgroup v2: " + fs.resolve("memory") + " is not a cgroup v2 directory");
    }

    @Test
    void says_so_when_no_cgroup_file_system_is_mounted() {
        CgroupLocator.Candidates found = CgroupLocator.candidates(mount(23, "/", "", "ext4", "rw"), "0::/\n", null);

        assertThat(found.trees()).isEmpty();
        assertThat(found.refusals()).isEqualTo(List.of("no cgroup file system is mounted"));
    }
}

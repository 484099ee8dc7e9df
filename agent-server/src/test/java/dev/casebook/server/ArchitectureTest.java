package dev.casebook.server;

import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shape of agent-server, kept by the build (docs/architecture.md says why): feature packages without cycles,
 * controllers and {@code @Configuration} classes package-private, and a public top-level type only where another
 * package needs it.
 */
@AnalyzeClasses(packages = "dev.casebook.server")
class ArchitectureTest {

    /**
     * Public top-level types of the main code that no other package's code (main or test) is seen to use, each with
     * the reason it stays public. Add an entry only with a reason a reviewer would accept.
     */
    static final Map<String, String> PUBLIC_WITHOUT_SEEN_USE = Map.of(
            "dev.casebook.server.security.CurrentTenant",
            "controllers of every feature name CurrentTenant.ATTRIBUTE in @RequestAttribute; javac inlines the"
                    + " constant, so the bytecode shows no use",
            "dev.casebook.server.lifecycle.ShutdownOrder",
            "tasks and batch stop in ShutdownOrder.STOP_PHASE; javac inlines the constant, so the bytecode shows"
                    + " no use",
            "dev.casebook.server.memory.InsightDistiller",
            "the bench module's memory-learning simulator distils its insights arm's insights with it");

    static final DescribedPredicate<JavaClass> MAIN_CODE = DescribedPredicate.describe("main code",
            type -> type.getSource()
                    .map(source -> new ImportOption.DoNotIncludeTests().includes(Location.of(source.getUri())))
                    .orElse(false));

    @ArchTest
    static void feature_packages_have_no_cycles(JavaClasses classes) {
        slices().matching("dev.casebook.server.(*)..").should().beFreeOfCycles().check(classes.that(MAIN_CODE));
    }

    @ArchTest
    static final ArchRule controllers_are_package_private = classes()
            .that(MAIN_CODE)
            .and(annotatedWith(RestController.class).or(annotatedWith(Controller.class)))
            .should().bePackagePrivate();

    @ArchTest
    static final ArchRule configuration_classes_are_package_private = classes()
            .that(MAIN_CODE)
            .and().areAnnotatedWith(Configuration.class)
            .should().bePackagePrivate();

    @ArchTest
    static final ArchRule public_types_are_used_from_another_package = classes()
            .that(MAIN_CODE)
            .and().areTopLevelClasses()
            .and().arePublic()
            .should(new UsedFromAnotherPackage());

    /**
     * A public top-level type is needed when code in another package (main or test) depends on it or on one of its
     * nested types, or calls, references or reads a member whose signature names it (a parameter, return or field
     * type: what the caller's bytecode does not name but javac needs to see). Otherwise it must be allow-listed.
     */
    static final class UsedFromAnotherPackage extends ArchCondition<JavaClass> {
        private final Set<String> neededElsewhere = new HashSet<>();

        UsedFromAnotherPackage() {
            super("be used from another package (or be allow-listed with a reason)");
        }

        @Override
        public void init(Collection<JavaClass> publicTypes) {
            for (JavaClass type : publicTypes) {
                type.getPackage().getClasses().stream()
                        .filter(candidate -> outermost(candidate).equals(type))
                        .flatMap(candidate -> candidate.getDirectDependenciesToSelf().stream())
                        .filter(dependency -> !samePackage(dependency.getOriginClass(), type))
                        .findAny()
                        .ifPresent(dependency -> neededElsewhere.add(type.getName()));
                type.getAccessesToSelf().stream()
                        .filter(access -> !samePackage(access.getOriginOwner(), type))
                        .forEach(access -> signatureTypes(access)
                                .filter(named -> !samePackage(named, access.getOriginOwner()))
                                .forEach(named -> neededElsewhere.add(outermost(named).getName())));
            }
        }

        @Override
        public void check(JavaClass type, ConditionEvents events) {
            boolean allowListed = PUBLIC_WITHOUT_SEEN_USE.containsKey(type.getName());
            boolean used = neededElsewhere.contains(type.getName());
            if (allowListed && used) {
                events.add(SimpleConditionEvent.violated(type, type.getName()
                        + " is allow-listed but another package uses it: remove it from the allow-list"));
            } else if (!allowListed && !used) {
                events.add(SimpleConditionEvent.violated(type, type.getName()
                        + " is public but no other package uses it: make it package-private or allow-list it"));
            }
        }

        private static Stream<JavaClass> signatureTypes(JavaAccess<?> access) {
            return access.getTarget().resolveMember().stream().flatMap(member -> signatureTypes(member));
        }

        private static Stream<JavaClass> signatureTypes(JavaMember member) {
            if (member instanceof JavaField field) {
                return Stream.of(field.getRawType());
            }
            JavaCodeUnit code = (JavaCodeUnit) member;
            return Stream.concat(code.getRawParameterTypes().stream(), Stream.of(code.getRawReturnType()));
        }
    }

    private static boolean samePackage(JavaClass a, JavaClass b) {
        return a.getPackageName().equals(b.getPackageName());
    }

    private static JavaClass outermost(JavaClass type) {
        JavaClass current = type;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }
}

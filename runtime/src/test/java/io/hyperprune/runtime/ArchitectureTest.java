package io.hyperprune.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the modules promise, kept by the build: api at the bottom, the engine on api and ND4J
 * only, plugins on api only, the runtime's packages without cycles and the CLI on top.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        // Production classes only: not this build's test classes, nor the engine's test jar (TinyData and its tests).
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.hyperprune");
    }

    @Test
    void theApiDependsOnNothingOfHyperpruneButItself() {
        noClasses()
                .that()
                .resideInAPackage("io.hyperprune.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.hyperprune.engine..", "io.hyperprune.runtime..", "io.hyperprune.plugins..")
                .check(classes);
    }

    @Test
    void theEngineNeverUsesTheRuntimeNorGuicePicocliOrJackson() {
        noClasses()
                .that()
                .resideInAPackage("io.hyperprune.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.hyperprune.runtime..",
                        "io.hyperprune.plugins..",
                        "com.google.inject..",
                        "picocli..",
                        "com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void pluginsUseOnlyTheApiOfHyperprune() {
        noClasses()
                .that()
                .resideInAPackage("io.hyperprune.plugins..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.hyperprune.engine..", "io.hyperprune.runtime..")
                .check(classes);
    }

    @Test
    void theEnginesPackagesHaveNoCycles() {
        slices().matching("io.hyperprune.engine.(*)..")
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void theRuntimesPackagesHaveNoCycles() {
        slices().matching("io.hyperprune.runtime.(*)..")
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void theCliIsOnTop() {
        noClasses()
                .that()
                .resideInAPackage("io.hyperprune.runtime..")
                .and()
                .resideOutsideOfPackage("io.hyperprune.runtime.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.hyperprune.runtime.cli..")
                .check(classes);
    }

    @Test
    void kernelsDependOnNoOtherPartOfTheEngine() {
        classes()
                .that()
                .resideInAPackage("io.hyperprune.engine.kernels..")
                .should()
                .onlyDependOnClassesThat()
                .resideOutsideOfPackages(
                        "io.hyperprune.engine.train..",
                        "io.hyperprune.engine.eval..",
                        "io.hyperprune.engine.compiled..")
                .check(classes);
    }
}

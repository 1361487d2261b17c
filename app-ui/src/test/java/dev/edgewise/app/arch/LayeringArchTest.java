package dev.edgewise.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module arrows of ARCHITECTURE.md as executable rules: no JavaFX below the views, and
 * plugins that see only the importer SPI and the IR (app-ui bundles the plugins, so their classes
 * are on this test's class path).
 */
class LayeringArchTest {
    private static JavaClasses core;
    private static JavaClasses plugins;

    @BeforeAll
    static void importClasses() {
        ImportOption noTests = ImportOption.Predefined.DO_NOT_INCLUDE_TESTS;
        core = new ClassFileImporter().withImportOption(noTests)
            .importPackages("dev.edgewise.core", "dev.edgewise.bridge");
        plugins = new ClassFileImporter().withImportOption(noTests).importPackages("dev.edgewise.plugin");
    }

    @Test
    void coreAndDeviceBridgeDoNotUseJavaFx() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("javafx..", "com.sun.javafx..")
            .because("profiler-core and device-bridge run headless in the CLI and on CI")
            .check(core);
    }

    @Test
    void coreDoesNotDependOnTheLayersAboveIt() {
        noClasses().that().resideInAPackage("dev.edgewise.core..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.edgewise.bridge..", "dev.edgewise.viewer..",
                "dev.edgewise.app..", "dev.edgewise.plugin..")
            .check(core);
    }

    /** Classes in {@code packages} may use the JDK and libraries, but of Edgewise only the SPI and the IR. */
    private static ArchRule onlySpiAndIr(String... packages) {
        DescribedPredicate<JavaClass> allowed = JavaClass.Predicates.resideOutsideOfPackages("dev.edgewise..", "javafx..")
            .or(JavaClass.Predicates.resideInAnyPackage("dev.edgewise.core.spi..", "dev.edgewise.core.ir..",
                "dev.edgewise.plugin.."));
        return classes().that().resideInAnyPackage(packages).should().onlyDependOnClassesThat(allowed)
            .because("a plugin jar must keep working when the core's internals change, and must not need JavaFX");
    }

    @Test
    void pluginsUseOnlyTheSpiAndTheIrAndNoJavaFx() {
        onlySpiAndIr("dev.edgewise.plugin..").check(plugins);
    }

    @Test
    void thePluginRuleCatchesAViolation() {
        JavaClasses gui = new ClassFileImporter().importPackages("dev.edgewise.app.gui");
        EvaluationResult result = onlySpiAndIr("dev.edgewise.app.gui").evaluate(gui);
        org.assertj.core.api.Assertions.assertThat(result.hasViolation()).isTrue();
        org.assertj.core.api.Assertions.assertThat(result.getFailureReport().toString())
            .contains("javafx.").contains("dev.edgewise.core.analysis");
    }

    @Test
    void theRulesSeeTheCoreAndPluginClasses() {
        org.assertj.core.api.Assertions.assertThat(plugins.size()).as("plugin classes on the class path").isPositive();
        org.assertj.core.api.Assertions.assertThat(core.contain("dev.edgewise.core.ir.Graph")).isTrue();
        org.assertj.core.api.Assertions.assertThat(core.contain("dev.edgewise.core.spi.ModelImporter")).isTrue();
    }
}

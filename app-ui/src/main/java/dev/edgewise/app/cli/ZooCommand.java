package dev.edgewise.app.cli;

import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.zoo.ModelZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgewise zoo NAME -o FILE.onnx}: architecture-shaped models with seeded random weights. */
@Command(name = "zoo", mixinStandardHelpOptions = true,
    description = {"Write an architecture-shaped ONNX model with seeded RANDOM weights (for trying the tools",
        "and for benchmarks; accuracy figures on it are meaningless)."})
final class ZooCommand implements Callable<Integer> {
    enum Architecture { vgg16, resnet18, mobilenetv2, googlenet, shufflenet, densenet121 }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "One of: ${COMPLETION-CANDIDATES}.")
    Architecture architecture;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "ONNX file to write.")
    Path output;

    @Option(names = "--size", defaultValue = "224", description = "Input height and width (default ${DEFAULT-VALUE}; VGG-16 is always 224).")
    int size;

    @Option(names = "--classes", defaultValue = "1000", description = "Classifier outputs (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (size < 32 || size > 4096) {
            throw new UserInputException("--size " + size + ": choose a value between 32 and 4096");
        }
        Graph g = switch (architecture) {
            case vgg16 -> ModelZoo.vgg16(seed);
            case resnet18 -> ModelZoo.resnet18(seed, size, classes);
            case mobilenetv2 -> ModelZoo.mobilenetV2(seed, size, classes);
            case googlenet -> ModelZoo.googlenet(seed, size, classes);
            case shufflenet -> ModelZoo.shufflenet(seed, size, classes);
            case densenet121 -> ModelZoo.densenet121(seed, size, classes);
        };
        try {
            OnnxExporter.write(g, output);
            spec.commandLine().getOut().printf("wrote %s: %s, %d nodes, %d bytes (random weights, seed %d)%n",
                output, architecture, g.nodes().size(), Files.size(output), seed);
        } catch (IOException e) {
            throw new UserInputException(output + ": cannot write: " + e.getMessage());
        }
        return 0;
    }
}

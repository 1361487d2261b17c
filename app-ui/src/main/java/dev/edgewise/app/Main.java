package dev.edgewise.app;

import dev.edgewise.app.cli.EdgewiseCommand;

/**
 * The one launcher: with no arguments it opens the workbench window; with arguments it is the
 * command line. Not a JavaFX Application subclass, so that a plain {@code java -cp} start works.
 */
public final class Main {
    private static final long CLI_STACK_BYTES = 64L << 20;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.exit(EdgewiseCommand.openGui(args));
        }
        System.exit(runOnLargeStack(args));
    }

    /**
     * ONNX Runtime's native code (session set-up, calibration and evaluation runs) overflows the
     * launcher's default 1 MiB main-thread stack here: `optimize --calibration` died with SIGSEGV,
     * exit 139 and no hs_err file. The command line runs on a thread with room to spare instead.
     */
    private static int runOnLargeStack(String[] args) {
        int[] rc = {1};
        Thread cli = new Thread(null, () -> rc[0] = EdgewiseCommand.run(args), "edgewise-cli", CLI_STACK_BYTES);
        cli.start();
        try {
            cli.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rc[0];
    }
}

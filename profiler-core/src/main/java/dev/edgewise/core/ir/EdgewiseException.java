package dev.edgewise.core.ir;

/**
 * The one checked exception of Edgewise. Its message names the file, layer or device concerned and
 * what is wrong, so that it can be shown to a user as it is.
 */
public class EdgewiseException extends Exception {
    private final ErrorCode code;

    public EdgewiseException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public EdgewiseException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** Error kinds; user errors are the ones a command line maps to exit code 2. */
    public enum ErrorCode {
        FILE_NOT_FOUND(true),
        FILE_EMPTY(true),
        NOT_A_MODEL(true),
        TRUNCATED(true),
        CORRUPT_MODEL(true),
        GRAPH_CYCLE(true),
        DUPLICATE_TENSOR(true),
        INVALID_DIMENSION(true),
        MISSING_EXTERNAL_DATA(true),
        UNSUPPORTED(true),
        INVALID_ARGUMENT(true),
        IO_ERROR(true),
        PLUGIN_ERROR(false),
        INTERNAL(false);

        private final boolean userError;

        ErrorCode(boolean userError) {
            this.userError = userError;
        }

        public boolean isUserError() {
            return userError;
        }
    }
}

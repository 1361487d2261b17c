package dev.edgewise.core.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A graph running in ONNX Runtime, the reference executor: one float input fed one sample at a
 * time, every float output returned flattened. {@link #exposing} adds intermediate tensors as
 * extra graph outputs so calibration and per-layer error can read them.
 */
public final class OrtModel implements AutoCloseable {
    private final OrtEnvironment env = Environment.INSTANCE;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final String modelName;

    private OrtModel(Graph g, int threads) throws EdgewiseException {
        if (g.inputs().size() != 1) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, g.name() + ": evaluation supports models with one input, this one has "
                + g.inputs().size());
        }
        TensorInfo in = g.inputs().get(0);
        this.modelName = g.name();
        this.inputName = in.name();
        this.inputShape = staticShape(in);
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            this.session = env.createSession(OnnxExporter.toBytes(g), o);
        } catch (OrtException e) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, g.name() + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /**
     * ONNX Runtime's first start (native library load and environment creation) needs more than
     * the 1 MB stack of an ordinary Java thread: started from a GUI task or a job thread it
     * crashed the JVM with SIGSEGV and no error file (seen with the application's long class path;
     * a 4 MB stack is enough). So it starts once, on a thread of its own with a large stack.
     */
    private static final class Environment {
        static final OrtEnvironment INSTANCE = startEnvironment();
    }

    /** Outside {@link Environment}: a lambda of that class would wait for its own initialization. */
    private static OrtEnvironment startEnvironment() {
        Object[] result = new Object[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = OrtEnvironment.getEnvironment();
            } catch (Throwable e) {
                result[0] = e;
            }
        }, "edgewise-onnxruntime-start", 16L << 20);
        t.start();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (result[0] instanceof OrtEnvironment env) {
            return env;
        }
        throw new IllegalStateException("ONNX Runtime could not start: " + result[0], (Throwable) result[0]);
    }

    public static OrtModel open(Graph g, int threads) throws EdgewiseException {
        return new OrtModel(g, threads);
    }

    /** The graph with the given tensors (those not already outputs) appended as float outputs. */
    public static Graph exposing(Graph g, Collection<String> tensors) {
        Set<String> existing = new LinkedHashSet<>();
        g.outputs().forEach(o -> existing.add(o.name()));
        g.inputs().forEach(i -> existing.add(i.name()));
        GraphBuilder b = g.toBuilder();
        for (String t : tensors) {
            if (existing.add(t)) {
                b.addOutput(new TensorInfo(t, DataType.FLOAT, Shape.unknownRank()));
            }
        }
        return b.buildValid();
    }

    /** Number of values one sample of the input holds. */
    public static long inputElements(Graph g) throws EdgewiseException {
        long n = 1;
        for (long d : staticShape(g.inputs().get(0))) {
            n *= d;
        }
        return n;
    }

    /** The static shape of the single input (a symbolic batch dimension counts as 1). */
    public static long[] inputShape(Graph g) throws EdgewiseException {
        return staticShape(g.inputs().get(0));
    }

    private static long[] staticShape(TensorInfo in) throws EdgewiseException {
        if (!in.shape().hasRank()) {
            throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, "input '" + in.name() + "' has no known shape");
        }
        long[] s = new long[in.shape().rank()];
        for (int i = 0; i < s.length; i++) {
            var d = in.shape().dims().get(i);
            // a symbolic batch dimension runs one sample at a time
            s[i] = d.isKnown() ? d.value() : (i == 0 ? 1 : -1);
            if (s[i] < 0) {
                throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, "input '" + in.name() + "' dimension " + i
                    + " is not fixed (" + in.shape() + "); fix it before evaluating");
            }
        }
        return s;
    }

    public Map<String, float[]> run(float[] sample) throws EdgewiseException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(sample), inputShape);
             OrtSession.Result r = session.run(Map.of(inputName, x))) {
            for (Map.Entry<String, OnnxValue> e : r) {
                if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), v);
                }
            }
        } catch (OrtException e) {
            throw new EdgewiseException(ErrorCode.INTERNAL, modelName + ": ONNX Runtime failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session only frees native memory; nothing to report
        }
    }
}

package dev.edgewise.core.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs a model in ONNX Runtime (the reference executor) on seeded float inputs. */
public final class OrtRunner {
    private OrtRunner() {
    }

    /** Feeds every float input with seeded values of the given shape; returns outputs flattened. */
    public static Map<String, float[]> run(byte[] model, Map<String, long[]> inputShapes, long seed) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o)) {
                return run(env, s, inputShapes, seed);
            }
        }
    }

    public static Map<String, float[]> run(String modelPath, Map<String, long[]> inputShapes, long seed) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(modelPath, o)) {
                return run(env, s, inputShapes, seed);
            }
        }
    }

    private static Map<String, float[]> run(OrtEnvironment env, OrtSession s, Map<String, long[]> shapes, long seed)
            throws OrtException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(seed);
        try {
            for (var e : shapes.entrySet()) {
                long n = 1;
                for (long d : e.getValue()) {
                    n *= d;
                }
                float[] v = new float[(int) n];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextDouble(-1, 1);
                }
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), e.getValue()));
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result res = s.run(feeds)) {
                for (Map.Entry<String, OnnxValue> e : res) {
                    FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), v);
                }
            }
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}

package dev.edgewise.bridge.plan;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** ONNX Runtime (Java, CPU, 1 intra-op thread) as the reference for whole-model results. */
final class OrtReference {
    private OrtReference() {
    }

    static List<float[]> run(byte[] model, List<String> names, List<long[]> shapes, List<float[]> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            try (OrtSession s = env.createSession(model, so)) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (int i = 0; i < names.size(); i++) {
                        feed.put(names.get(i), OnnxTensor.createTensor(env, FloatBuffer.wrap(inputs.get(i)), shapes.get(i)));
                    }
                    try (OrtSession.Result r = s.run(feed)) {
                        List<float[]> out = new ArrayList<>();
                        for (int i = 0; i < r.size(); i++) {
                            FloatBuffer fb = ((OnnxTensor) r.get(i)).getFloatBuffer();
                            float[] f = new float[fb.remaining()];
                            fb.get(f);
                            out.add(f);
                        }
                        return out;
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}

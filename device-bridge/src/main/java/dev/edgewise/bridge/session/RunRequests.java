package dev.edgewise.bridge.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RunOptions -> the agent's Run message; plan input names -> input positions. */
final class RunRequests {
    private static final int PLAN_TENSORS = 8;
    private static final int PLAN_INPUTS = 11;

    private RunRequests() {
    }

    /** The Run for {@code o}; {@code inputIndex} maps every name in {@code o.inputs()} to its plan input position. */
    static Run build(long runId, RunOptions o, Map<String, Integer> inputIndex) {
        Run.Builder r = Run.newBuilder().setRunId(runId).setWarmup(o.warmup()).setIterations(o.iterations())
            .setDurationSeconds(o.iterations() == 0 ? o.durationSeconds() : 0).setThreads(o.threads())
            .setProfileLayers(o.perLayer()).setSensorRateHz(o.sensorRateHz()).setReturnOutputs(o.returnOutputs())
            .setIdleBaselineSeconds(o.idleBaselineSeconds());
        o.cpus().forEach(r::addCpus);
        for (Map.Entry<String, float[]> in : o.inputs().entrySet()) {
            float[] v = in.getValue();
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            r.addInputs(Tensor.newBuilder().setIndex(inputIndex.get(in.getKey())).setName(in.getKey())
                .setData(ByteString.copyFrom(b.array())));
        }
        return r.build();
    }

    /**
     * Input names of a serialized plan in input order, read without decoding the weight blobs.
     *
     * @throws IllegalArgumentException when the bytes are not a plan
     */
    static Map<String, Integer> inputPositions(byte[] plan) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(plan);
            List<String> tensorNames = new ArrayList<>();
            List<Integer> inputIds = new ArrayList<>();
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                if (field == PLAN_TENSORS && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    tensorNames.add(dev.edgewise.bridge.plan.proto.Tensor.parseFrom(in.readBytes()).getName());
                } else if (field == PLAN_INPUTS && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    while (in.getBytesUntilLimit() > 0) {
                        inputIds.add(in.readUInt32());
                    }
                    in.popLimit(limit);
                } else if (field == PLAN_INPUTS) {
                    inputIds.add(in.readUInt32());
                } else {
                    in.skipField(tag);
                }
            }
            Map<String, Integer> positions = new LinkedHashMap<>();
            for (int i = 0; i < inputIds.size(); i++) {
                int id = inputIds.get(i);
                positions.put(id < tensorNames.size() ? tensorNames.get(id) : "#" + id, i);
            }
            return positions;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a plan (plan.proto): " + e.getMessage(), e);
        }
    }
}

package dev.edgewise.plugin.caffe;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.BlobProto;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.LayerParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.NetParameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The trained blobs of a .caffemodel, by layer name. Caffe matches weights to layers by name too. */
final class CaffeWeights {
    private final Path file;
    private final Map<String, List<BlobProto>> byLayer;

    private CaffeWeights(Path file, Map<String, List<BlobProto>> byLayer) {
        this.file = file;
        this.byLayer = byLayer;
    }

    static CaffeWeights none() {
        return new CaffeWeights(null, Map.of());
    }

    static CaffeWeights read(Path caffemodel) throws EdgewiseException {
        NetParameter net = CaffeNetReader.readBinary(caffemodel);
        Map<String, List<BlobProto>> m = new HashMap<>();
        for (LayerParameter l : net.getLayerList()) {
            if (l.getBlobsCount() > 0) {
                m.put(l.getName(), l.getBlobsList());
            }
        }
        return new CaffeWeights(caffemodel, m);
    }

    boolean present() {
        return file != null;
    }

    Path file() {
        return file;
    }

    /** The layer's blobs, or null when the weights file has none for it. */
    List<BlobProto> blobs(String layer) {
        return byLayer.get(layer);
    }

    static long count(BlobProto b) {
        return b.getDataCount() > 0 ? b.getDataCount() : b.getDoubleDataCount();
    }

    static float value(BlobProto b, int i) {
        return b.getDataCount() > 0 ? b.getData(i) : (float) b.getDoubleData(i);
    }

    /** Little-endian float32 bytes of a blob (doubles narrowed, as Caffe's float nets use them). */
    static ByteBuffer floats(BlobProto b) {
        int n = (int) count(b);
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out.putFloat(i * 4, value(b, i));
        }
        return out;
    }
}

#!/usr/bin/python3
"""Regenerate every committed file under samples/models, samples/data and samples/corpus.

Run from the repository root:

    /usr/bin/python3 samples/generate.py

Needs Debian's python3-torch, python3-onnx, python3-sklearn and python3-numpy (never pip).
The Java build and tests never run this script: they read the committed outputs. It exists so
that anybody can see exactly how each sample was made and rebuild it bit for bit (all seeds are
fixed, training runs single-threaded and deterministic, no timestamps are written).
"""

import io
import json
import random
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

try:  # Optional: Debian ships no onnxruntime for Python; torch is the reference otherwise.
    import onnxruntime
except ImportError:
    onnxruntime = None

SAMPLES = Path(__file__).resolve().parent
MODELS, DATA, CORPUS = SAMPLES / "models", SAMPLES / "data", SAMPLES / "corpus"

SEED = 20240917
ACCURACY_FLOOR = 0.96
# Fixed epoch budgets (not "stop when the test set looks good") so the test split stays a
# held-out measurement; the floor above is asserted afterwards.
CNN_EPOCHS, MLP_EPOCHS = 40, 60

# torch.onnx warns about every deliberate choice made below (PRESERVE mode, no constant
# folding, dynamic shapes); they are expected, so keep the console readable.
warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")
warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
warnings.filterwarnings("ignore", category=FutureWarning, message=".*_graph_op")


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# --------------------------------------------------------------------------------------------
# Export and validation helpers
# --------------------------------------------------------------------------------------------

def export(model, example, opset, dynamic_axes=None):
    """Export an eval-mode module to an in-memory ModelProto.

    TrainingMode.EVAL would run torch's eval peephole pass, which folds every BatchNorm into the
    preceding Conv. The workbench must see BatchNormalization nodes as users' files have them,
    so we export the eval-mode module with PRESERVE, which skips that pass but still emits
    inference-mode BatchNormalization. Constant folding is off so the graph keeps every node
    torch traced (shape arithmetic, and the weight Transpose that feeds each 3-D MatMul), the
    least pre-digested form a loader can meet.
    """
    model.eval()
    buf = io.BytesIO()
    torch.onnx.export(
        model, example, buf,
        opset_version=opset,
        do_constant_folding=False,
        training=torch.onnx.TrainingMode.PRESERVE,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes=dynamic_axes,
    )
    return onnx.load_from_string(buf.getvalue())


def op_counts(model):
    return dict(sorted(Counter(n.op_type for n in model.graph.node).items()))


def check_shapes(model, symbolic=()):
    """Run ONNX's strict shape inference (with value propagation through Shape/Gather/...) and
    return the node outputs whose shape it could not fully resolve. A dim counts as resolved
    when it is a number or one of the symbolic input dims (e.g. batch_size)."""
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                                 data_prop=True)
    g = inferred.graph
    typed = {vi.name: vi.type.tensor_type for vi in [*g.input, *g.value_info, *g.output]}
    unresolved = []
    for node in g.node:
        for name in filter(None, node.output):
            tt = typed.get(name)
            if tt is None or not tt.HasField("shape"):
                unresolved.append(f"{name} (no shape)")
                continue
            bad = [d for d in tt.shape.dim
                   if not d.HasField("dim_value") and d.dim_param not in symbolic]
            if bad:
                dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
                        for d in tt.shape.dim]
                unresolved.append(f"{name} {dims}")
    return unresolved


def declared_dims(value_info):
    return [d.dim_value if d.HasField("dim_value") else d.dim_param
            for d in value_info.type.tensor_type.shape.dim]


def validate(name, model, torch_model, example, symbolic=(), path=None):
    """Checker + shape inference always; onnxruntime against torch when it is installed."""
    onnx.checker.check_model(str(path) if path else model, full_check=True)
    unresolved = check_shapes(model, symbolic)
    if unresolved:
        # Not fatal: onnx's data propagation stops at some shape arithmetic (e.g. the Div in
        # the channel shuffle) that a full symbolic evaluator resolves; worth seeing, though.
        print(f"  {name}: onnx shape inference left {len(unresolved)} tensors unresolved, "
              f"e.g. {unresolved[:2]}")
    if onnxruntime is not None and path is not None:
        sess = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        got = sess.run(None, {"input": example.numpy()})[0]
        with torch.no_grad():
            want = torch_model(example).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    return unresolved


def save(model, path):
    path.write_bytes(model.SerializeToString())


def summary(model, torch_model, opset, input_shape, output_shape, accuracy=None,
            measured_with=None):
    inits = model.graph.initializer
    return {
        "trained": accuracy is not None,
        "accuracy": accuracy,
        "accuracy_measured_with": measured_with,
        "input": {"name": "input", "shape": input_shape, "dtype": "float32"},
        "output": {"name": "output", "shape": output_shape, "dtype": "float32"},
        "opset": opset,
        # Trainable parameters as torch counts them; initializer_elements additionally counts
        # BatchNorm running statistics, which a profiler reading ONNX initializers will see.
        "params": sum(p.numel() for p in torch_model.parameters()),
        "initializer_elements": int(sum(np.prod(t.dims, dtype=np.int64) for t in inits)),
        "op_counts": op_counts(model),
    }


# --------------------------------------------------------------------------------------------
# 1-3. Models trained on scikit-learn's digits, and the data they are measured on
# --------------------------------------------------------------------------------------------

def digits_split():
    digits = load_digits()
    # Pixels are 0..16 integers: /16 gives exact binary fractions, so the CSV round-trips
    # bit-exactly into float32 in Java.
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.25, stratify=y, random_state=SEED)


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3), nn.BatchNorm2d(32), nn.ReLU(),   # 8x8 -> 6x6
            nn.MaxPool2d(2),                                        # -> 3x3
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 3 * 3, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class DigitsMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                 nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x)


def train(model, x, y, epochs, seed, lr=2e-3, batch=32):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


def count_correct(onnx_path, torch_model, x, y):
    """Correct predictions of the exported file when onnxruntime exists, else of the torch
    module (counted, not averaged in float32, so the JSON holds exact ratios)."""
    if onnxruntime is not None:
        sess = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
        pred = np.array([int(np.argmax(sess.run(None, {"input": xi[None]})[0]))
                         for xi in x.numpy()])
        return int((pred == y.numpy()).sum()), "onnxruntime"
    with torch.no_grad():
        pred = torch_model(x).argmax(1)
    return int((pred == y).sum()), "torch"


def write_labelled_csv(path, x, y):
    with path.open("w", newline="\n") as f:
        for label, row in zip(y, x):
            f.write(",".join([str(int(label))] + [f"{v:g}" for v in row]) + "\n")


def calibration_rows(y_train, per_class=10):
    """Ten training rows per class, first in split order: balanced, so int8 calibration sees
    every digit."""
    picked = [i for c in range(10) for i in np.flatnonzero(y_train == c)[:per_class]]
    return np.array(sorted(picked))


def build_digits(info):
    x_tr, x_te, y_tr, y_te = digits_split()
    write_labelled_csv(DATA / "digits_test.csv", x_te, y_te)
    calib = calibration_rows(y_tr)
    write_labelled_csv(DATA / "digits_calib.csv", x_tr[calib], y_tr[calib])

    xt_tr, yt_tr = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    xt_te, yt_te = torch.from_numpy(x_te), torch.from_numpy(y_te)
    specs = [
        ("digits_cnn.onnx", DigitsCNN, CNN_EPOCHS, [1, 1, 8, 8]),
        ("digits_mlp.onnx", DigitsMLP, MLP_EPOCHS, [1, 64]),
    ]
    for k, (fname, cls, epochs, shape) in enumerate(specs):
        seed_all(SEED + k)
        model = train(cls(), xt_tr.view(-1, *shape[1:]), yt_tr, epochs, SEED + k)
        example = xt_te[:1].view(shape)
        onnx_model = export(model, example, opset=13)
        if cls is DigitsCNN:
            assert op_counts(onnx_model).get("BatchNormalization") == 2, op_counts(onnx_model)
        path = MODELS / fname
        save(onnx_model, path)
        validate(fname, onnx_model, model, example, path=path)
        correct, how = count_correct(path, model, xt_te.view(-1, *shape[1:]), yt_te)
        acc = correct / len(y_te)
        print(f"  {fname}: test accuracy {acc:.4f} = {correct}/{len(y_te)} ({how})")
        assert acc >= ACCURACY_FLOOR, f"{fname} reached only {acc:.4f}"
        info[fname] = summary(onnx_model, model, 13, shape, [1, 10], acc, how)
        info[fname].update(correct=correct, test_samples=len(y_te),
                           test_file="data/digits_test.csv")
    return len(y_te), len(y_tr), len(calib)


# --------------------------------------------------------------------------------------------
# 4. Random-initialised, architecture-shaped models
# --------------------------------------------------------------------------------------------

def randomize_norms(module):
    """Fresh BatchNorm/LayerNorm layers hold gamma=1, beta=0 (mean=0, var=1); torch's exporter
    then deduplicates those identical initializers into Identity nodes, and the layers would be
    numerically inert. Give them plausible 'trained' values instead."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return module.eval()


def conv_bn(cin, cout, k, stride=1, groups=1, act=None):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, *([act] if act is not None else []))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, 3, stride, act=nn.ReLU()),
                                  conv_bn(cout, cout, 3))
        self.down = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        skip = x if self.down is None else self.down(x)
        return F.relu(self.body(x) + skip)


class ResNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 16, 3, act=nn.ReLU()), nn.MaxPool2d(2))
        self.layers = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))

    def forward(self, x):
        return self.head(self.layers(self.stem(x)))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        mid = cin * expand
        self.use_residual = stride == 1 and cin == cout
        self.body = nn.Sequential(
            conv_bn(cin, mid, 1, act=nn.ReLU6()),
            conv_bn(mid, mid, 3, stride, groups=mid, act=nn.ReLU6()),   # depthwise
            conv_bn(mid, cout, 1),                                       # linear bottleneck
        )

    def forward(self, x):
        return x + self.body(x) if self.use_residual else self.body(x)


class MobileNetV2Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(3, 16, 3, 2, act=nn.ReLU6()),          # 32 -> 16
            InvertedResidual(16, 24, 2, 3),                # stride-2 depthwise, 16 -> 8
            InvertedResidual(24, 24, 1, 3),                # residual Add
            conv_bn(24, 64, 1, act=nn.Hardswish()),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))

    def forward(self, x):
        return self.head(self.features(x))


def channel_shuffle(x, groups):
    # Written exactly as torchvision does: with a symbolic batch this exports as
    # Shape -> Gather -> Div -> Unsqueeze -> Concat -> Reshape, the pattern the Java shape
    # inference has to evaluate.
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, -1, h, w)
    return x


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        half = cout // 2
        if stride == 2:
            self.branch1 = nn.Sequential(conv_bn(cin, cin, 3, 2, groups=cin),
                                         conv_bn(cin, half, 1, act=nn.ReLU()))
        branch_in = cin if stride == 2 else half
        self.branch2 = nn.Sequential(conv_bn(branch_in, half, 1, act=nn.ReLU()),
                                     conv_bn(half, half, 3, stride, groups=half),
                                     conv_bn(half, half, 1, act=nn.ReLU()))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 24, 3, 2, act=nn.ReLU()))   # 32 -> 16
        self.stages = nn.Sequential(ShuffleUnit(24, 48, 2), ShuffleUnit(48, 48, 1))
        self.conv5 = conv_bn(48, 64, 1, act=nn.ReLU())
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.conv5(self.stages(self.stem(x)))
        return self.fc(x.mean([2, 3]))    # torchvision's global pool: exports as ReduceMean


class _NativeLRN(torch.autograd.Function):
    """torch implements LRN as pad/avg-pool arithmetic and exports that decomposition. Caffe-era
    GoogLeNet files carry one native LRN node, so emit that."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class _NativeDropout(torch.autograd.Function):
    """An eval-mode export drops nn.Dropout entirely, but old converted models keep a Dropout
    node that runtimes treat as identity at inference. Keep it so the loader meets one."""

    @staticmethod
    def forward(ctx, x, ratio):
        return x.clone()

    @staticmethod
    def symbolic(g, x, ratio):
        return g.op("Dropout", x, ratio_f=ratio)


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        relu = nn.ReLU
        self.b1 = nn.Sequential(nn.Conv2d(cin, c1, 1), relu())
        self.b2 = nn.Sequential(nn.Conv2d(cin, c3r, 1), relu(), nn.Conv2d(c3r, c3, 3, padding=1),
                                relu())
        self.b3 = nn.Sequential(nn.Conv2d(cin, c5r, 1), relu(), nn.Conv2d(c5r, c5, 5, padding=2),
                                relu())
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, cp, 1), relu())

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class GoogLeNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))                        # 32 -> 16
        self.inception = Inception(32, 16, 16, 24, 4, 8, 8)                     # -> 56 ch
        # count_include_pad=False: with the default, opset 9 export puts a no-op Pad (all zeros)
        # before AveragePool, which no GoogLeNet file has. Without padding both mean the same.
        self.pool = nn.Sequential(nn.MaxPool2d(3, 2, 1),                          # 16 -> 8
                                  nn.AvgPool2d(8, count_include_pad=False))     # 8 -> 1
        self.fc = nn.Linear(56, 10)

    def forward(self, x):
        x = _NativeLRN.apply(self.stem(x), 5, 1e-4, 0.75, 1.0)
        x = torch.flatten(self.pool(self.inception(x)), 1)
        x = _NativeDropout.apply(x, 0.4)
        return F.softmax(self.fc(x), dim=1)


class EncoderLayerTiny(nn.Module):
    """Post-norm transformer encoder layer written with plain matmuls, so the export shows the
    attention arithmetic (MatMul, Softmax) instead of one fused op."""

    def __init__(self, d=32, heads=2, ff=64):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)

    def forward(self, x):
        b, s, d = x.size()

        def split(t):
            return t.view(b, s, self.heads, self.dh).transpose(1, 2)   # [b, heads, s, dh]

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-2, -1) / self.dh ** 0.5, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, s, d)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class ExternalDataNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(conv_bn(3, 8, 3, act=nn.ReLU()), conv_bn(8, 8, 3, 2, act=nn.ReLU()),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))

    def forward(self, x):
        return self.net(x)


def has_shuffle_chain(model):
    """True if some Reshape's shape input is computed Shape -> Gather -> Div -> Unsqueeze ->
    Concat (Casts and other ops may sit between; the order must hold along one path)."""
    producer = {o: n for n in model.graph.node for o in n.output}
    wanted = ["Concat", "Unsqueeze", "Div", "Gather", "Shape"]   # walking backwards

    def walk(tensor, todo):
        node = producer.get(tensor)
        if node is None:
            return not todo
        rest = todo[1:] if todo and node.op_type == todo[0] else todo
        return not rest or any(walk(i, rest) for i in node.input if i)

    return any(walk(n.input[1], wanted) for n in model.graph.node if n.op_type == "Reshape")


def symbolic_axes(dims):
    return {i: d for i, d in enumerate(dims) if isinstance(d, str)}


def build_random_models(info):
    # (file, class, opset, traced example shape, declared input dims, declared output dims)
    specs = [
        ("resnet_tiny.onnx", ResNetTiny, 17, [1, 3, 32, 32], None, [1, 10]),
        ("mobilenetv2_tiny.onnx", MobileNetV2Tiny, 13, [1, 3, 32, 32], None, [1, 10]),
        # Traced with batch 2 so no op gets specialised for a batch of one.
        ("shufflenet_tiny.onnx", ShuffleNetTiny, 11, [2, 3, 32, 32],
         ["batch_size", 3, 32, 32], ["batch_size", 10]),
        ("googlenet_tiny.onnx", GoogLeNetTiny, 9, [1, 3, 32, 32], None, [1, 10]),
        ("transformer_tiny.onnx", EncoderLayerTiny, 17, [2, 7, 32],
         ["batch_size", "sequence_length", 32], ["batch_size", "sequence_length", 32]),
    ]
    for k, (fname, cls, opset, trace_shape, in_dims, out_dims) in enumerate(specs):
        seed_all(SEED + 100 + k)
        model = randomize_norms(cls())
        example = torch.rand(trace_shape)
        dynamic = None
        if in_dims is not None:
            dynamic = {"input": symbolic_axes(in_dims), "output": symbolic_axes(out_dims)}
        onnx_model = export(model, example, opset, dynamic)
        # torch names an output dim it could not infer e.g. 'Reshapeoutput_dim_1'; the Java
        # tests rely on the clean declared shapes, so fail loudly if that ever happens here.
        assert declared_dims(onnx_model.graph.input[0]) == (in_dims or trace_shape)
        assert declared_dims(onnx_model.graph.output[0]) == out_dims
        if cls is ShuffleNetTiny:
            assert has_shuffle_chain(onnx_model), "channel shuffle lost its Shape->Reshape chain"
        path = MODELS / fname
        save(onnx_model, path)
        symbolic = [d for d in (in_dims or []) if isinstance(d, str)]
        validate(fname, onnx_model, model, example, symbolic, path)
        info[fname] = summary(onnx_model, model, opset, in_dims or trace_shape, out_dims)
        print(f"  {fname}: opset {opset}, ops {op_counts(onnx_model)}")

    # External data: onnx appends to an existing data file instead of replacing it, so stale
    # bytes would survive a rerun and shift every offset. Start from nothing.
    fname, data_name = "external_data.onnx", "external_data.onnx.data"
    (MODELS / data_name).unlink(missing_ok=True)
    seed_all(SEED + 200)
    model = randomize_norms(ExternalDataNet())
    example = torch.rand(1, 3, 16, 16)
    onnx_model = export(model, example, opset=15)
    info[fname] = summary(onnx_model, model, 15, [1, 3, 16, 16], [1, 10])
    onnx.save_model(onnx_model, str(MODELS / fname), save_as_external_data=True,
                    all_tensors_to_one_file=True, location=data_name, size_threshold=0)
    saved = onnx.load(str(MODELS / fname), load_external_data=False)
    for t in saved.graph.initializer:
        keys = {e.key for e in t.external_data}
        assert t.data_location == TensorProto.EXTERNAL and {"location", "offset", "length"} <= keys
    validate(fname, onnx.load(str(MODELS / fname)), model, example, path=MODELS / fname)
    print(f"  {fname}: opset 15, {len(saved.graph.initializer)} initializers in {data_name}")


# --------------------------------------------------------------------------------------------
# 5. Corpus of broken (and one odd but loadable) files
# --------------------------------------------------------------------------------------------

def small_model(nodes, inputs, outputs, initializers=(), value_info=(), extra_opsets=()):
    graph = helper.make_graph(nodes, "corpus", inputs, outputs, list(initializers),
                              value_info=list(value_info))
    opsets = [helper.make_opsetid("", 13), *extra_opsets]
    return helper.make_model(graph, producer_name="edgewise-samples", opset_imports=opsets)


def fvi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def conv_weight(name, shape, rng):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def must_not_parse(data):
    try:
        onnx.load_from_string(data)
    except Exception:
        return
    raise AssertionError("corpus file unexpectedly parses as a ModelProto")


NOT_A_MODEL_TEXT = """Edgewise sample corpus
======================

This is a plain text file that only pretends to be a model by its .onnx extension.
A loader must reject it with a clear message instead of a stack trace.
"""


def build_corpus():
    rng = np.random.default_rng(SEED)
    entries = {}

    def bad(fname, data, error, note):
        (CORPUS / fname).write_bytes(data)
        entries[fname] = {"error": error, "note": note}

    bad("empty.onnx", b"", "FILE_EMPTY", "Zero-byte file.")

    random_bytes = rng.bytes(4096)
    must_not_parse(random_bytes)
    bad("random_bytes.onnx", random_bytes, "NOT_A_MODEL",
        f"4096 seeded random bytes (numpy default_rng({SEED})); protobuf parsing fails. "
        f"First byte 0x{random_bytes[0]:02x}.")

    text = NOT_A_MODEL_TEXT.encode("ascii")
    must_not_parse(text)
    bad("not_a_model.onnx", text, "NOT_A_MODEL",
        "ASCII text with an .onnx extension; not valid protobuf wire format (the first "
        "bytes happen to decode as unknown fields before parsing fails).")

    cnn = (MODELS / "digits_cnn.onnx").read_bytes()
    cut = cnn[:int(len(cnn) * 0.6)]
    must_not_parse(cut)
    bad("truncated.onnx", cut, "TRUNCATED",
        f"models/digits_cnn.onnx cut to its first {len(cut)} of {len(cnn)} bytes (60%); "
        "the message ends inside the graph field.")

    # Written with onnx.helper and never passed to the checker, which would reject them:
    # each file breaks exactly one structural rule the Java loader must detect itself.
    cycle = small_model(
        [helper.make_node("Add", ["input", "b"], ["a"], name="add_feeds_relu"),
         helper.make_node("Relu", ["a"], ["b"], name="relu_feeds_add")],
        [fvi("input", [1, 4])], [fvi("b", [1, 4])])
    bad("cycle.onnx", cycle.SerializeToString(), "GRAPH_CYCLE",
        "Add(input, b) -> a and Relu(a) -> b: the two nodes feed each other, so no "
        "topological order exists.")

    w = conv_weight("w", [4, 3, 3, 3], rng)
    neg = small_model([helper.make_node("Conv", ["input", "w"], ["output"], pads=[1, 1, 1, 1])],
                      [fvi("input", [1, 3, -3, 8])], [fvi("output", None)], [w])
    bad("negative_dim.onnx", neg.SerializeToString(), "INVALID_DIMENSION",
        "Input 'input' declares shape [1, 3, -3, 8] (dim_value -3) feeding a Conv.")

    w = conv_weight("w", [4, 1, 3, 3], rng)
    absurd = small_model([helper.make_node("Conv", ["input", "w"], ["output"])],
                         [fvi("input", [1, 1, 10 ** 15, 8])], [fvi("output", None)], [w])
    bad("absurd_dim.onnx", absurd.SerializeToString(), "INVALID_DIMENSION",
        "Input 'input' declares shape [1, 1, 10^15, 8] feeding a 3x3 Conv: a valid int64 but "
        "32 PB of activations; size and operation estimates must not overflow or allocate.")

    # The tensor points at a file that is never written, so the loader meets EXTERNAL data
    # with a valid offset/length and nothing behind it.
    w = conv_weight("w", [4, 3, 3, 3], rng)
    nbytes = len(w.raw_data)
    onnx.external_data_helper.set_external_data(w, "missing_external.onnx.data", 0, nbytes)
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    missing = small_model(
        [helper.make_node("Conv", ["input", "w"], ["output"], pads=[1, 1, 1, 1])],
        [fvi("input", [1, 3, 8, 8])], [fvi("output", [1, 4, 8, 8])], [w])
    assert not (CORPUS / "missing_external.onnx.data").exists()
    bad("missing_external.onnx", missing.SerializeToString(), "MISSING_EXTERNAL_DATA",
        f"Conv weight 'w' is stored externally in missing_external.onnx.data (offset 0, "
        f"length {nbytes}); that file does not exist.")

    dup = small_model(
        [helper.make_node("Relu", ["input"], ["output"], name="relu"),
         helper.make_node("Sigmoid", ["input"], ["output"], name="sigmoid")],
        [fvi("input", [1, 4])], [fvi("output", [1, 4])])
    bad("duplicate_output.onnx", dup.SerializeToString(), "DUPLICATE_TENSOR",
        "Nodes 'relu' and 'sigmoid' both write tensor 'output' (breaks single assignment).")

    # Loadable: unknown custom ops are normal in the wild (vendor ops), so this must open with
    # a warning. Its output shape is declared in value_info, as exporters do for custom ops,
    # so shapes after it stay resolvable.
    unknown = small_model(
        [helper.make_node("Relu", ["input"], ["r1"], name="relu_in"),
         helper.make_node("FancyOp", ["r1"], ["fancy"], name="fancy", domain="com.example",
                          alpha=0.5),
         helper.make_node("Relu", ["fancy"], ["output"], name="relu_out")],
        [fvi("input", [1, 4, 8, 8])], [fvi("output", [1, 4, 8, 8])],
        value_info=[fvi("r1", [1, 4, 8, 8]), fvi("fancy", [1, 4, 8, 8])],
        extra_opsets=[helper.make_opsetid("com.example", 1)])
    onnx.checker.check_model(unknown)
    fname = "unknown_op.onnx"
    (CORPUS / fname).write_bytes(unknown.SerializeToString())
    entries[fname] = {"format": "onnx", "warning": "FancyOp",
                      "note": "Valid model: Relu -> FancyOp (domain com.example, opset 1, "
                              "attribute alpha=0.5) -> Relu. Unknown operator: loads with a "
                              "warning; shapes come from value_info. onnxruntime cannot run it."}
    return entries


# --------------------------------------------------------------------------------------------
# 6-7. Index and documentation
# --------------------------------------------------------------------------------------------

MODEL_NOTES = {
    "digits_cnn.onnx": "CNN trained on scikit-learn digits; Conv+BatchNormalization+Relu x2, "
                       "MaxPool, Flatten, Gemm x2.",
    "digits_mlp.onnx": "MLP 64-128-64-10 trained on scikit-learn digits (Gemm-heavy).",
    "resnet_tiny.onnx": "Random weights. ResNet-style: stem, two basic blocks with residual Add, "
                        "strided 1x1 downsample, GlobalAveragePool.",
    "mobilenetv2_tiny.onnx": "Random weights. MobileNetV2 inverted residuals: depthwise Conv "
                             "(group=channels), ReLU6 as Clip, HardSwish, residual Add.",
    "shufflenet_tiny.onnx": "Random weights. ShuffleNetV2 units with symbolic batch_size; channel "
                            "shuffle exports as Shape->Gather->Div->Unsqueeze/Concat->Reshape.",
    "googlenet_tiny.onnx": "Random weights, opset 9. Inception block (1x1/3x3/5x5/pool-proj), LRN, "
                           "AveragePool, Dropout, Softmax.",
    "transformer_tiny.onnx": "Random weights. Encoder layer: MatMul attention, Softmax, "
                             "LayerNormalization, Gelu as Erf; symbolic batch_size and "
                             "sequence_length.",
    "external_data.onnx": "Random weights. All initializers stored in external_data.onnx.data "
                          "(data_location EXTERNAL with location/offset/length).",
}


def write_index(corpus_entries):
    index = [{"file": f"models/{f}", "format": "onnx", "note": MODEL_NOTES[f]}
             for f in sorted(MODEL_NOTES)]
    index += [{"file": f"corpus/{f}", **e} for f, e in sorted(corpus_entries.items())]
    (CORPUS / "models.json").write_text(json.dumps(index, indent=2) + "\n")
    return index


def pct(acc):
    return f"{acc * 100:.2f}%"


def write_readmes(info, n_test, n_train, n_calib, index):
    cnn, mlp = info["digits_cnn.onnx"], info["digits_mlp.onnx"]
    how = cnn["accuracy_measured_with"]
    (DATA / "README.md").write_text(f"""# Sample data

Generated by `samples/generate.py`; do not edit by hand.

Source: scikit-learn's bundled `load_digits` (1797 greyscale 8x8 images of the digits 0-9).
Split with `train_test_split(test_size=0.25, stratify=labels, random_state={SEED})`:
{n_train} training rows, {n_test} test rows.

## Format (both files)

Plain CSV, no header, `\\n` line ends, one sample per line:

    label,p0,p1,...,p63

- `label`: the digit, an integer 0-9.
- `p0..p63`: the 64 pixels in row-major order (row 0 left to right, then row 1, ...), scaled
  to [0, 1] by dividing the original 0-16 intensity by 16. Every value is an exact multiple of
  1/16, so it parses bit-exactly into a float32.

These are exactly the model inputs: `digits_cnn.onnx` takes them as `input` [1,1,8,8],
`digits_mlp.onnx` as `input` [1,64]. Both output 10 logits; the prediction is the argmax.

## Files

| file | rows | content |
|---|---|---|
| `digits_test.csv` | {n_test} | the whole held-out test split, never seen in training |
| `digits_calib.csv` | {n_calib} | from the TRAINING split, 10 per digit (the first 10 of each class in split order), for int8 calibration |

## Accuracy on digits_test.csv (measured by generate.py with {how})

| model | accuracy |
|---|---|
| `models/digits_cnn.onnx` | {pct(cnn["accuracy"])} |
| `models/digits_mlp.onnx` | {pct(mlp["accuracy"])} |

The same figures are in `models/models_info.json`.
""")

    rows = "\n".join(
        f"| `models/{f}` | {v['opset']} | [{', '.join(map(str, v['input']['shape']))}] | "
        f"{v['params']:,} | "
        f"{pct(v['accuracy']) if v['accuracy'] is not None else 'random weights'} |"
        for f, v in info.items())
    bad_rows = "\n".join(f"| `{e['file']}` | {e.get('error', 'loads, warning ' + e.get('warning', ''))} "
                         f"| {e['note']} |" for e in index if e["file"].startswith("corpus/"))
    (SAMPLES / "README.md").write_text(f"""# Edgewise samples

Small real ONNX models, real data and a corpus of broken files for the Java tests and for the
application's bundled examples. Everything here is generated, committed, and never regenerated
at test time.

## How it was made

From the repository root, with Debian's Python (packages python3-torch, python3-onnx,
python3-sklearn, python3-numpy; no pip):

    /usr/bin/python3 samples/generate.py

All seeds are fixed (base seed {SEED}) and training runs single-threaded, so a rerun writes the
same files. The script validates every good model with `onnx.checker` (full check) and strict
ONNX shape inference, and compares onnxruntime with torch when the onnxruntime Python module is
installed (Debian does not package it; accuracies are then measured with {how}).

## models/

| file | opset | input | trainable params | accuracy on data/digits_test.csv |
|---|---|---|---|---|
{rows}

- `models_info.json`: per model: accuracy (null for random weights), input/output name and
  shape, opset, `params` (trainable, as torch counts them), `initializer_elements` (all
  initializer elements, which adds BatchNorm running statistics) and operator counts.
- `external_data.onnx.data`: the weights of `external_data.onnx` (keep the two together).
- BatchNorm stays as BatchNormalization nodes (exported with `TrainingMode.PRESERVE` on an
  eval-mode module; `TrainingMode.EVAL` would fold it into the Conv weights).
- Input is named `input`, output `output` everywhere; `shufflenet_tiny` has a symbolic
  `batch_size`, `transformer_tiny` symbolic `batch_size` and `sequence_length`.

## data/

`digits_test.csv` (held-out test split) and `digits_calib.csv` (100 training rows); see
`data/README.md` for the format.

## corpus/

`corpus/models.json` lists every `.onnx` file under `models/` and `corpus/` (paths relative to
`samples/`): `{{"file", "format": "onnx"}}` for files that must load, `{{"file", "error"}}` with
one of FILE_EMPTY, NOT_A_MODEL, TRUNCATED, GRAPH_CYCLE, INVALID_DIMENSION,
MISSING_EXTERNAL_DATA, DUPLICATE_TENSOR for files that must be rejected, an optional `warning`
for files that load with a warning, and a `note` for each. Companion files (`.data`, `.json`)
are not listed.

| file | expected | what it is |
|---|---|---|
{bad_rows}
""")


def main():
    torch.set_num_threads(1)                 # thread count changes float summation order
    torch.use_deterministic_algorithms(True)
    for d in (MODELS, DATA, CORPUS):
        d.mkdir(parents=True, exist_ok=True)

    info = {}
    print("Training on scikit-learn digits ...")
    n_test, n_train, n_calib = build_digits(info)
    print("Exporting random-weight architecture samples ...")
    build_random_models(info)
    (MODELS / "models_info.json").write_text(json.dumps(info, indent=2) + "\n")
    print("Writing corpus ...")
    index = write_index(build_corpus())
    write_readmes(info, n_test, n_train, n_calib, index)

    listed = {e["file"] for e in index}
    on_disk = {str(p.relative_to(SAMPLES)) for d in (MODELS, CORPUS) for p in d.glob("*.onnx")}
    assert listed == on_disk, f"models.json and disk disagree: {listed ^ on_disk}"
    total = sum(p.stat().st_size for d in (MODELS, DATA, CORPUS) for p in d.iterdir())
    print(f"Done: {total / 1024:.0f} KiB in models/, data/, corpus/")
    assert total < 5 * 1024 * 1024


if __name__ == "__main__":
    sys.exit(main())

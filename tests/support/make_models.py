#!/usr/bin/python3
"""Makes the machine-learning models the tests, examples and benchmarks use, with Debian's
python3-torch, python3-onnx and python3-xgboost (nothing is downloaded), plus the predictions the
Python libraries compute for fixed inputs, which the C++ tests compare against.

Usage: make_models.py OUT_DIR [GROUP ...]
       groups: test (default), bench, all, fraud, classifier, autoencoder, sklearn

Written to OUT_DIR (group test):
  mlp.onnx, mlp.pt            a 16→32→1 MLP (Linear, ReLU, Linear, Sigmoid), the same weights in
                              both files; output "score"
  classifier.onnx, .pt        4 features → 3 classes; outputs "logits" and "probabilities"
  gemm_transb0.onnx           a Gemm node with transB=0 and a bias, which OpenCV 4.6's importer
                              rejects
  gemm_transb0_nobias.onnx    the same without a bias: OpenCV 4.6 loads it and fails when it runs
  mlp_matmul.onnx             4 → 6 → 2 as MatMul + Add, ReLU, MatMul + Add, Mul by 0.5 (the form
                              sklearn-onnx and tf2onnx write); output "y", expected from numpy
  fraud.json                  XGBoost binary:logistic, 4 features (amount, hour, velocity,
                              distance_km), 20 trees of depth 4
  species.ubj                 XGBoost multi:softprob, 4 features, 3 classes
  autoencoder.onnx            8 → 3 → 8 autoencoder of sensor readings; outputs "reconstruction"
                              and "error" (each row's mean squared reconstruction error)
  <model>.expected.json       {"inputs": [[...], ...], "outputs": {name: [[...], ...]}}: the
                              Python library's predictions for those inputs (torch for both the
                              .pt and the .onnx file; xgboost's Booster.predict)
Group bench adds xgb_bench.json: binary:logistic, 16 features, 100 trees of depth 6.
Group sklearn writes species_sklearn.pkl: a scikit-learn pipeline (StandardScaler,
LogisticRegression) over the four iris-like measurements of make_species, pickled (Debian's
python3-sklearn), for the python processor's example.
"""
import json
import os
import sys

import numpy as np


def write_expected(path, inputs, outputs):
    with open(path, "w") as f:
        json.dump({"inputs": np.asarray(inputs, dtype=np.float32).tolist(),
                   "outputs": {k: np.asarray(v, dtype=np.float32).reshape(len(inputs), -1).tolist()
                               for k, v in outputs.items()}}, f)


def onnx_from_linears(path, linears, activations, out_names, features):
    """An ONNX graph of Gemm (transB=1, nn.Linear's layout) layers and activations."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    x = "features"
    for i, (lin, act) in enumerate(zip(linears, activations)):
        w = numpy_helper.from_array(lin.weight.detach().numpy().astype(np.float32), f"w{i}")
        b = numpy_helper.from_array(lin.bias.detach().numpy().astype(np.float32), f"b{i}")
        inits += [w, b]
        y = f"gemm{i}"
        nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"], [y], transB=1))
        x = y
        if act == "relu":
            nodes.append(helper.make_node("Relu", [x], [f"relu{i}"]))
            x = f"relu{i}"
    outputs = []
    for name, act in out_names:
        if act == "sigmoid":
            nodes.append(helper.make_node("Sigmoid", [x], [name]))
        elif act == "softmax":
            nodes.append(helper.make_node("Softmax", [x], [name], axis=1))
        else:
            nodes.append(helper.make_node("Identity", [x], [name]))
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", None]))
    graph = helper.make_graph(
        nodes, "model", [helper.make_tensor_value_info("features", TensorProto.FLOAT,
                                                       ["N", features])], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def make_mlp(out):
    import torch

    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1),
                                torch.nn.Sigmoid()).eval()
    torch.jit.trace(model, torch.zeros(1, 16)).save(os.path.join(out, "mlp.pt"))
    onnx_from_linears(os.path.join(out, "mlp.onnx"), [model[0], model[2]], ["relu", None],
                      [("score", "sigmoid")], 16)
    inputs = np.random.default_rng(1).normal(size=(100, 16)).astype(np.float32)
    with torch.no_grad():
        score = model(torch.from_numpy(inputs)).numpy()
    write_expected(os.path.join(out, "mlp.expected.json"), inputs, {"score": score})


class Classifier:
    """Built lazily so that importing this script does not import torch."""

    @staticmethod
    def make():
        import torch

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = torch.nn.Linear(4, 8)
                self.out = torch.nn.Linear(8, 3)

            def forward(self, x):
                logits = self.out(torch.relu(self.hidden(x)))
                return logits, torch.softmax(logits, dim=1)

        torch.manual_seed(11)
        return Net().eval()


def make_classifier(out):
    import torch

    net = Classifier.make()
    torch.jit.script(net).save(os.path.join(out, "classifier.pt"))
    # ONNX: the same layers; logits and probabilities both come out of the last Gemm.
    onnx_from_linears(os.path.join(out, "classifier.onnx"), [net.hidden, net.out],
                      ["relu", None], [("logits", None), ("probabilities", "softmax")], 4)
    inputs = np.random.default_rng(2).normal(size=(50, 4)).astype(np.float32)
    with torch.no_grad():
        logits, probs = net(torch.from_numpy(inputs))
    write_expected(os.path.join(out, "classifier.expected.json"), inputs,
                   {"logits": logits.numpy(), "probabilities": probs.numpy()})


def make_gemm_transb0(out):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    # y = x·W + b with W stored [in, out] (transB=0): valid ONNX that OpenCV 4.6 fails to import.
    w = numpy_helper.from_array(np.ones((4, 2), dtype=np.float32), "w")
    b = numpy_helper.from_array(np.zeros((2,), dtype=np.float32), "b")
    node = helper.make_node("Gemm", ["features", "w", "b"], ["y"], transB=0)
    graph = helper.make_graph(
        [node], "gemm_transb0",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [w, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "gemm_transb0.onnx"))


def make_gemm_transb0_nobias(out):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    # The same without a bias: OpenCV 4.6 imports it, then fails at the first inference.
    w = numpy_helper.from_array(np.ones((4, 2), dtype=np.float32), "w")
    node = helper.make_node("Gemm", ["features", "w"], ["y"], transB=0)
    graph = helper.make_graph(
        [node], "gemm_transb0_nobias",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "gemm_transb0_nobias.onnx"))


def make_mlp_matmul(out):
    """An MLP written as MatMul + Add (+ a Mul by a constant), as sklearn-onnx or tf2onnx write
    them, and its outputs computed with numpy."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(13)
    w1 = rng.normal(size=(4, 6)).astype(np.float32)
    b1 = rng.normal(size=6).astype(np.float32)
    w2 = rng.normal(size=(6, 2)).astype(np.float32)
    b2 = rng.normal(size=2).astype(np.float32)
    half = np.array([0.5], dtype=np.float32)
    consts = [numpy_helper.from_array(v, n)
              for v, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (half, "half"))]
    nodes = [helper.make_node("MatMul", ["features", "w1"], ["m1"]),
             helper.make_node("Add", ["m1", "b1"], ["a1"]),
             helper.make_node("Relu", ["a1"], ["r1"]),
             helper.make_node("MatMul", ["r1", "w2"], ["m2"]),
             helper.make_node("Add", ["m2", "b2"], ["a2"]),
             helper.make_node("Mul", ["a2", "half"], ["y"])]
    graph = helper.make_graph(
        nodes, "mlp_matmul", [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], consts)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "mlp_matmul.onnx"))
    inputs = rng.normal(size=(40, 4)).astype(np.float32)
    y = (np.maximum(inputs @ w1 + b1, 0) @ w2 + b2) * 0.5
    write_expected(os.path.join(out, "mlp_matmul.expected.json"), inputs, {"y": y})


def sensor_data(rows, seed):
    """Readings of 8 correlated sensors on a device: two hidden factors plus noise."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(rows, 2))
    mix = np.array([[1.0, 0.5, -0.3, 0.8, 0.0, 0.6, -0.7, 0.2],
                    [0.1, -0.6, 0.9, 0.3, 1.0, -0.4, 0.2, 0.7]])
    return (factors @ mix + rng.normal(0, 0.05, (rows, 8))).astype(np.float32)


def make_autoencoder(out):
    """8 → 3 → 8 autoencoder trained on normal readings; the ONNX graph also computes each row's
    reconstruction error (mean squared), output "error", next to "reconstruction"."""
    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper

    torch.manual_seed(3)
    enc, dec = torch.nn.Linear(8, 3), torch.nn.Linear(3, 8)
    model = torch.nn.Sequential(enc, torch.nn.ReLU(), dec)
    x = torch.from_numpy(sensor_data(4000, 6))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(400):
        opt.zero_grad()
        loss = ((model(x) - x) ** 2).mean()
        loss.backward()
        opt.step()
    inits = []
    for name, lin in (("enc", enc), ("dec", dec)):
        inits.append(numpy_helper.from_array(lin.weight.detach().numpy(), f"{name}_w"))
        inits.append(numpy_helper.from_array(lin.bias.detach().numpy(), f"{name}_b"))
    nodes = [
        helper.make_node("Gemm", ["features", "enc_w", "enc_b"], ["h"], transB=1),
        helper.make_node("Relu", ["h"], ["hr"]),
        helper.make_node("Gemm", ["hr", "dec_w", "dec_b"], ["reconstruction"], transB=1),
        helper.make_node("Sub", ["reconstruction", "features"], ["diff"]),
        helper.make_node("Mul", ["diff", "diff"], ["sq"]),
        helper.make_node("ReduceMean", ["sq"], ["error"], axes=[1], keepdims=1),
    ]
    graph = helper.make_graph(
        nodes, "autoencoder",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("reconstruction", TensorProto.FLOAT, ["N", 8]),
         helper.make_tensor_value_info("error", TensorProto.FLOAT, ["N", 1])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, "autoencoder.onnx"))
    inputs = sensor_data(40, 7)
    inputs[::10] += np.float32(1.5)  # every tenth row off the learned relation
    with torch.no_grad():
        rec = model(torch.from_numpy(inputs)).numpy()
    write_expected(os.path.join(out, "autoencoder.expected.json"), inputs,
                   {"reconstruction": rec, "error": ((rec - inputs) ** 2).mean(axis=1)})


def fraud_data(rows, seed):
    """amount, hour, velocity (transactions in the last hour), distance_km; label: fraud."""
    rng = np.random.default_rng(seed)
    amount = rng.gamma(2.0, 60.0, rows)
    hour = rng.integers(0, 24, rows).astype(np.float64)
    velocity = rng.poisson(2.0, rows).astype(np.float64)
    distance = rng.exponential(20.0, rows)
    risk = (amount > 300) * 1.5 + ((hour < 5) | (hour > 22)) * 1.0 + (velocity > 4) * 1.5 + \
        (distance > 60) * 1.0
    label = (risk + rng.normal(0, 0.6, rows) > 2.2).astype(np.float64)
    return np.stack([amount, hour, velocity, distance], axis=1).astype(np.float32), label


def make_fraud(out):
    import xgboost as xgb

    x, y = fraud_data(5000, 3)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "seed": 0,
                         "nthread": 1}, xgb.DMatrix(x, label=y), num_boost_round=20)
    booster.save_model(os.path.join(out, "fraud.json"))
    inputs, _ = fraud_data(100, 4)
    inputs[:5] = [[20, 14, 1, 3], [900, 3, 7, 150], [350, 12, 2, 10], [45, 23, 6, 80],
                  [1200, 2, 9, 300]]
    write_expected(os.path.join(out, "fraud.expected.json"), inputs,
                   {"prediction": booster.predict(xgb.DMatrix(inputs))})


def make_species(out):
    import xgboost as xgb

    rng = np.random.default_rng(5)
    centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    y = rng.integers(0, 3, 600)
    x = (centers[y] + rng.normal(0, 0.35, (600, 4))).astype(np.float32)
    booster = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 3,
                         "seed": 0, "nthread": 1}, xgb.DMatrix(x, label=y), num_boost_round=10)
    booster.save_model(os.path.join(out, "species.ubj"))
    inputs = (centers[rng.integers(0, 3, 60)] + rng.normal(0, 0.5, (60, 4))).astype(np.float32)
    write_expected(os.path.join(out, "species.expected.json"), inputs,
                   {"prediction": booster.predict(xgb.DMatrix(inputs))})


def species_data(rng, rows, spread):
    """Iris-like flowers: sepal length and width, petal length and width; 3 species."""
    centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    y = rng.integers(0, 3, rows)
    return (centers[y] + rng.normal(0, spread, (rows, 4))), y


def make_species_sklearn(out):
    import pickle

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = species_data(np.random.default_rng(6), 600, 0.35)
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=0))
    model.fit(x, np.array(["setosa", "versicolor", "virginica"])[y])
    with open(os.path.join(out, "species_sklearn.pkl"), "wb") as f:
        pickle.dump(model, f)


def make_xgb_bench(out):
    import xgboost as xgb

    rng = np.random.default_rng(9)
    x = rng.normal(size=(20000, 16)).astype(np.float32)
    y = ((x[:, 0] * x[:, 1] + np.sin(x[:, 2]) + x[:, 3] ** 2 - x[:, 4]) > 0.5).astype(np.float64)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "seed": 0,
                         "nthread": 1}, xgb.DMatrix(x, label=y), num_boost_round=100)
    booster.save_model(os.path.join(out, "xgb_bench.json"))


GROUPS = {
    "test": [make_mlp, make_classifier, make_gemm_transb0, make_gemm_transb0_nobias, make_fraud,
             make_species, make_autoencoder, make_mlp_matmul],
    "bench": [make_mlp, make_xgb_bench],
    "fraud": [make_fraud],
    "classifier": [make_classifier],
    "autoencoder": [make_autoencoder],
    "sklearn": [make_species_sklearn],
}
GROUPS["all"] = GROUPS["test"] + [make_xgb_bench, make_species_sklearn]


def main():
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR [test|bench|all ...]")
    out = sys.argv[1]
    groups = sys.argv[2:] or ["test"]
    os.makedirs(out, exist_ok=True)
    done = set()
    for group in groups:
        if group not in GROUPS:
            sys.exit(f"unknown group {group!r}; expected one of {sorted(GROUPS)}")
        for make in GROUPS[group]:
            if make not in done:
                make(out)
                done.add(make)


if __name__ == "__main__":
    main()

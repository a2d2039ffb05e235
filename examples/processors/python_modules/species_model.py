"""A scikit-learn classifier as an ArkFlow `python` processor function (see
examples/processors/python_sklearn.yaml).

The model is loaded once, when the processor imports this module at start-up; classify() then runs
it over each batch: one predict_proba call for all rows of the batch, on a matrix stacked from the
batch's numpy columns.
"""
import os
import pickle

import numpy as np

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

with open(os.path.join(os.environ.get("SETUP_DIR", "/tmp/arkflow-models"), "species_sklearn.pkl"),
          "rb") as f:
    MODEL = pickle.load(f)


def classify(batch):
    x = np.column_stack([batch[name] for name in FEATURES])
    probabilities = MODEL.predict_proba(x)
    best = probabilities.argmax(axis=1)
    return {
        "flower": batch["flower"],
        "species": MODEL.classes_[best].tolist(),
        "probability": np.round(probabilities.max(axis=1), 3),
    }

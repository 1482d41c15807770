"""Algorithmia inference script for the housing price model.

At load time it downloads the model named in model_manifest.json from the data collection and
verifies it with modelship_manifest before unpickling it: a model whose bytes differ from the
manifest raises ModelIntegrityError (a real exception, which `python -O` does not strip the way it
strips an `assert`), so a tampered or half-uploaded model is never served.
"""
import json
import os
import pickle

import Algorithmia
from modelship_manifest import ModelIntegrityError, verify_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST_PATH = os.path.join(ROOT, "model_manifest.json")
FEATURES = ["RM", "LSTAT", "PTRATIO"]

client = Algorithmia.client()


def load_model():
    with open(MANIFEST_PATH) as handle:
        manifest = json.load(handle)
    local_path = client.file("data://" + manifest["model_filepath"]).getFile(as_path=True)
    # Raises ModelIntegrityError naming the expected and actual md5 when the bytes differ.
    verify_model(MANIFEST_PATH, model=local_path)
    with open(local_path, "rb") as handle:
        return pickle.load(handle), manifest


model, manifest = load_model()


def apply(input):
    rows = input if isinstance(input, list) else [input]
    missing = [name for name in FEATURES if any(name not in row for row in rows)]
    if missing:
        raise ValueError("each input needs the features %s; missing %s" % (FEATURES, missing))
    predictions = model.predict([[float(row[name]) for name in FEATURES] for row in rows])
    return {
        "predictions": [round(float(value), 2) for value in predictions],
        "model_origin_commit_SHA": manifest["model_origin_commit_SHA"],
    }


__all__ = ["apply", "ModelIntegrityError"]

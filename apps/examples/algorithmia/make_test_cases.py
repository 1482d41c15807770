"""Writes test_cases.json: reference inputs with the trained model's own local predictions.

The deployed algorithm must reproduce them, which catches a wrong model file, a broken
inference script or a stale build before a version is published.
usage: python make_test_cases.py model.pkl <origin commit sha> test_cases.json
"""
import json
import pickle
import sys

HOUSES = [
    {"RM": 6.575, "LSTAT": 4.98, "PTRATIO": 15.3},
    {"RM": 5.5, "LSTAT": 20.0, "PTRATIO": 20.2},
]

model_path, commit, out_path = sys.argv[1:4]
with open(model_path, "rb") as handle:
    model = pickle.load(handle)
cases = []
for house in HOUSES:
    [value] = model.predict([[house["RM"], house["LSTAT"], house["PTRATIO"]]])
    expected = {"predictions": [round(float(value), 2)], "model_origin_commit_SHA": commit}
    cases.append({"input": house, "expected": expected, "tolerance": 0.01})
with open(out_path, "w") as handle:
    json.dump(cases, handle, indent=2)
print("wrote %d test cases to %s" % (len(cases), out_path))

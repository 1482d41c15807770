"""Trains the housing-prices linear regression inside the `regression` pipeline.

Reads every CSV under --input (a datum of the housing_data repo), fits ordinary least squares
of --target-col on the other columns, and writes model.json and metrics.json to --output.
Standard library only, so the image needs nothing but Python.
"""
import argparse
import csv
import json
import math
import os
import sys


def read_rows(input_dir, target):
    features, targets, names = [], [], None
    for root, _dirs, files in os.walk(input_dir):
        for name in sorted(files):
            if not name.endswith(".csv"):
                continue
            with open(os.path.join(root, name), newline="") as handle:
                for row in csv.DictReader(handle):
                    if names is None:
                        names = [key for key in row if key != target]
                    features.append([1.0] + [float(row[key]) for key in names])
                    targets.append(float(row[target]))
    return names or [], features, targets


def solve(matrix, vector):
    size = len(vector)
    augmented = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(augmented[r][col]))
        augmented[col], augmented[pivot] = augmented[pivot], augmented[col]
        for row in range(size):
            if row != col:
                factor = augmented[row][col] / augmented[col][col]
                augmented[row] = [a - factor * b for a, b in zip(augmented[row], augmented[col])]
    return [augmented[i][size] / augmented[i][i] for i in range(size)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--target-col", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    names, x, y = read_rows(args.input, args.target_col)
    if not x:
        print("no CSV rows in this datum; nothing to train", file=sys.stderr)
        return
    width = len(x[0])
    xtx = [[sum(r[i] * r[j] for r in x) for j in range(width)] for i in range(width)]
    xty = [sum(r[i] * t for r, t in zip(x, y)) for i in range(width)]
    coefficients = solve(xtx, xty)
    predictions = [sum(c * v for c, v in zip(coefficients, r)) for r in x]
    mean = sum(y) / len(y)
    residual = sum((t - p) ** 2 for t, p in zip(y, predictions))
    total = sum((t - mean) ** 2 for t in y)
    metrics = {"r2": 1 - residual / total, "rmse": math.sqrt(residual / len(y)), "rows": len(y)}
    os.makedirs(args.output, exist_ok=True)
    model = {"target": args.target_col, "intercept": coefficients[0], "coefficients": dict(zip(names, coefficients[1:]))}
    with open(os.path.join(args.output, "model.json"), "w") as handle:
        json.dump(model, handle, indent=2)
    with open(os.path.join(args.output, "metrics.json"), "w") as handle:
        json.dump(metrics, handle, indent=2)
    print(f"trained on {len(y)} rows: r2={metrics['r2']:.4f} rmse={metrics['rmse']:.0f}")


if __name__ == "__main__":
    main()

// Ordinary least squares on the reduced Boston housing data (RM, LSTAT, PTRATIO → MEDV), in plain
// TypeScript: the normal equations XᵀX·w = Xᵀy solved by Gaussian elimination with partial pivoting.
import { readFileSync } from 'node:fs';

export const features = ['RM', 'LSTAT', 'PTRATIO'] as const;
export const target = 'MEDV';

export interface Row {
  x: number[];
  y: number;
}

export interface LinearModel {
  kind: 'linear-regression';
  features: string[];
  target: string;
  intercept: number;
  coefficients: number[];
}

export function readRows(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  const index = (name: string) => {
    const at = columns.indexOf(name);
    if (at === -1) throw new Error(`${path}: no column ${name} (columns: ${columns.join(', ')})`);
    return at;
  };
  const xs = features.map(index);
  const yi = index(target);
  return lines.map((line, n) => {
    const cells = line.split(',').map(Number);
    if (cells.some((v) => !Number.isFinite(v)))
      throw new Error(`${path}:${n + 2}: not a number in "${line}"`);
    return { x: xs.map((i) => cells[i]!), y: cells[yi]! };
  });
}

const key = (row: Row) => [...row.x, row.y].join(',');

/** The fixed held-out split: every fifth row of the full data set. Training never sees these rows. */
export function splitHoldout(all: Row[]): { holdout: Row[]; isHeldOut: (row: Row) => boolean } {
  const holdout = all.filter((_, i) => i % 5 === 4);
  const keys = new Set(holdout.map(key));
  return { holdout, isHeldOut: (row) => keys.has(key(row)) };
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < n; r += 1) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    if (Math.abs(m[col]![col]!) < 1e-12)
      throw new Error('the features are collinear; least squares has no unique solution');
    for (let r = 0; r < n; r += 1) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c += 1) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export function fit(rows: Row[]): LinearModel {
  const width = features.length + 1;
  const xtx = Array.from({ length: width }, () => new Array<number>(width).fill(0));
  const xty = new Array<number>(width).fill(0);
  for (const row of rows) {
    const x = [1, ...row.x];
    for (let i = 0; i < width; i += 1) {
      xty[i]! += x[i]! * row.y;
      for (let j = 0; j < width; j += 1) xtx[i]![j]! += x[i]! * x[j]!;
    }
  }
  const [intercept, ...coefficients] = solve(xtx, xty);
  return { kind: 'linear-regression', features: [...features], target, intercept: intercept!, coefficients };
}

export function predict(model: LinearModel, x: number[]): number {
  return x.reduce((sum, v, i) => sum + v * model.coefficients[i]!, model.intercept);
}

/** RMSE, MAE (in MEDV units, dollars) and R² on a set of rows. */
export function evaluate(model: LinearModel, rows: Row[]): { rmse: number; mae: number; r2: number } {
  const errors = rows.map((row) => predict(model, row.x) - row.y);
  const mean = rows.reduce((s, r) => s + r.y, 0) / rows.length;
  const ssRes = errors.reduce((s, e) => s + e * e, 0);
  const ssTot = rows.reduce((s, r) => s + (r.y - mean) ** 2, 0);
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    rmse: round(Math.sqrt(ssRes / rows.length)),
    mae: round(errors.reduce((s, e) => s + Math.abs(e), 0) / rows.length),
    r2: round(1 - ssRes / ssTot),
  };
}

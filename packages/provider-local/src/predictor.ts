/**
 * The model format the local server can run: `model.json` holding a linear model.
 *   { "kind": "linear-regression", "features": ["RM", "LSTAT"], "intercept": 1.2, "coefficients": [4.1, -0.6] }
 */
export interface LinearModel {
  kind: 'linear-regression';
  features: string[];
  intercept: number;
  coefficients: number[];
  target?: string;
}

export type Predictor = (instances: unknown[]) => number[];

export class PredictInputError extends Error {}

export const linearModelFileName = 'model.json';

function isLinearModel(value: unknown): value is LinearModel {
  const model = value as LinearModel;
  return (
    typeof value === 'object' &&
    value !== null &&
    model.kind === 'linear-regression' &&
    Array.isArray(model.features) &&
    Array.isArray(model.coefficients) &&
    model.features.length === model.coefficients.length &&
    typeof model.intercept === 'number'
  );
}

export function linearPredictor(model: LinearModel): Predictor {
  return (instances) =>
    instances.map((instance, row) => {
      const values = model.features.map((feature, column) => {
        const value = Array.isArray(instance)
          ? instance[column]
          : (instance as Record<string, unknown>)?.[feature];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new PredictInputError(
            `instances[${row}] needs a finite number for "${feature}" (features: ${model.features.join(', ')})`,
          );
        }
        return value;
      });
      return values.reduce(
        (sum, value, column) => sum + value * model.coefficients[column]!,
        model.intercept,
      );
    });
}

/** The predictor of a `model.json` text; `path` only names it in the error. */
export function parsePredictor(text: string, path: string): Predictor {
  const value: unknown = JSON.parse(text);
  if (!isLinearModel(value)) {
    throw new Error(`${path} is not a linear-regression model (kind, features, intercept, coefficients)`);
  }
  return linearPredictor(value);
}

// Metrics from an evaluation.json in S3, as the SageMaker template's evaluation step writes it:
// `{ "regression_metrics": { "mse": { "value": 4.2, "standard_deviation": 0.3 } } }`.
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode, ModelshipError, type ProviderContext } from '@modelship/core';
import { aws } from './errors.js';
import { parseS3Uri } from './s3-uri.js';

/**
 * Flattens a report into metric name → number. An object with a numeric `value` is one metric
 * named by its key (`mse`); other numbers keep their dotted path (`accuracy`, `scores.f1`).
 */
export function flattenMetrics(report: unknown, path: string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof report === 'number') {
    if (Number.isFinite(report) && path.length) out[path.join('.')] = report;
    return out;
  }
  if (!report || typeof report !== 'object' || Array.isArray(report)) return out;
  for (const [key, value] of Object.entries(report)) {
    const metric = (value as { value?: unknown } | null)?.value;
    if (typeof metric === 'number') {
      if (Number.isFinite(metric)) out[key] = metric;
    } else {
      Object.assign(out, flattenMetrics(value, path.length === 0 && isGroup(key) ? [] : [...path, key]));
    }
  }
  return out;
}

// `regression_metrics`, `binary_classification_metrics`…: SageMaker's model-quality groups.
function isGroup(key: string): boolean {
  return key.endsWith('_metrics');
}

export async function readEvaluation(
  s3: S3Client,
  uri: string,
  context: ProviderContext,
): Promise<Record<string, number>> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { bucket, key } = parseS3Uri(uri, 'evaluation report');
  const object = await aws('GetObject', uri, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: context.signal }),
  );
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new ModelshipError(
      ErrorCode.InvalidInput,
      `evaluation report ${uri} is not JSON (${(error as Error).message}); the evaluation step must write a JSON object`,
      { cause: error },
    );
  }
  return flattenMetrics(report);
}

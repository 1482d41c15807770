// The user's training command in the demo, run by provider-local's `train`: it fits OLS on one CSV
// (minus the held-out rows), writes model.json into $MODELSHIP_MODEL_DIR and the held-out metrics
// into $MODELSHIP_METRICS_FILE.
//   node --import tsx train.ts <train.csv> <full.csv>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, fit, readRows, splitHoldout } from './regression.js';

const [trainCsv, fullCsv] = process.argv.slice(2);
const modelDir = process.env.MODELSHIP_MODEL_DIR;
const metricsFile = process.env.MODELSHIP_METRICS_FILE;
if (!trainCsv || !fullCsv || !modelDir || !metricsFile) {
  console.error(
    'usage: train.ts <train.csv> <full.csv> (run by modelship train: needs MODELSHIP_MODEL_DIR and MODELSHIP_METRICS_FILE)',
  );
  process.exit(2);
}

const { holdout, isHeldOut } = splitHoldout(readRows(fullCsv));
const training = readRows(trainCsv).filter((row) => !isHeldOut(row));
const model = fit(training);
const metrics = { ...evaluate(model, holdout), trainRows: training.length, holdoutRows: holdout.length };
writeFileSync(join(modelDir, 'model.json'), `${JSON.stringify(model, null, 2)}\n`);
writeFileSync(metricsFile, JSON.stringify(metrics));
console.log(
  `fitted OLS on ${training.length} rows: MEDV = ${model.intercept.toFixed(0)} + ${model.features.map((f, i) => `${model.coefficients[i]!.toFixed(0)}·${f}`).join(' + ')}`,
);
console.log(
  `held-out (${holdout.length} rows): rmse ${metrics.rmse.toFixed(0)}, mae ${metrics.mae.toFixed(0)}, r2 ${metrics.r2.toFixed(3)}`,
);

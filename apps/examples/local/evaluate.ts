// Scores the challenger and the current champion on the same held-out rows, and writes the
// evaluation file `modelship promote --evaluation` reads: { id, metrics, champion }.
//   node --import tsx evaluate.ts <challenger model.json> <champion model.json> <full.csv> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluate, type LinearModel, readRows, splitHoldout } from './regression.js';

const [challengerPath, championPath, fullCsv, out] = process.argv.slice(2);
if (!challengerPath || !championPath || !fullCsv || !out) {
  console.error('usage: evaluate.ts <challenger model.json> <champion model.json> <full.csv> <out.json>');
  process.exit(2);
}
const load = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as LinearModel;
const { holdout } = splitHoldout(readRows(fullCsv));
const evaluation = {
  id: `holdout:every-5th-row-of-${fullCsv.split('/').pop()}`,
  metrics: evaluate(load(challengerPath), holdout),
  champion: evaluate(load(championPath), holdout),
};
writeFileSync(out, `${JSON.stringify(evaluation, null, 2)}\n`);
console.log(
  `challenger rmse ${evaluation.metrics.rmse.toFixed(0)} vs champion rmse ${evaluation.champion.rmse.toFixed(0)} on ${holdout.length} held-out rows`,
);

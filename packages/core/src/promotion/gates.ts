// Gates run before a version enters a stage. Each returns a report with the inputs it looked at and
// its verdict, so the ledger shows why a promotion passed or failed.
import type { ApprovalPolicy, StageGates, Threshold } from '../config/schema.js';
import type { GateReport, ModelState, ModelVersion } from '../state/types.js';
import { manifestGate } from './manifest-gate.js';

/** Metrics of the challenger and the champion scored on the same evaluation set. */
export interface Evaluation {
  id?: string;
  /** The challenger's metrics on this evaluation (default: the version's registered metrics). */
  metrics?: Record<string, number>;
  /** The current champion's metrics on the same evaluation. */
  champion?: Record<string, number>;
}

export interface GateInput {
  model: string;
  version: ModelVersion;
  stage: string;
  /** All stages in order. */
  stages: readonly string[];
  state: ModelState | undefined;
  evaluation?: Evaluation;
  signal?: AbortSignal;
}

export interface CustomGateResult {
  passed: boolean;
  message?: string;
  inputs?: Record<string, unknown>;
}

/** An async predicate run as a gate; limit it with `stages` / `models`. */
export interface CustomGate {
  name: string;
  stages?: readonly string[];
  models?: readonly string[];
  check(input: GateInput): Promise<CustomGateResult | boolean> | CustomGateResult | boolean;
}

export interface GateOutcome {
  reports: GateReport[];
  passed: boolean;
  approvalsRequired: number;
  approvers: string[];
}

const comparators = {
  '>=': (a: number, b: number) => a >= b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '<': (a: number, b: number) => a < b,
  '==': (a: number, b: number) => a === b,
} as const;

export function parseThreshold(threshold: Threshold): { op: keyof typeof comparators; value: number } {
  if (typeof threshold !== 'string') return threshold;
  const match = /^\s*(>=|<=|>|<|==)\s*(\S+)\s*$/.exec(threshold);
  return { op: match?.[1] as keyof typeof comparators, value: Number(match?.[2]) };
}

function metricGate(metric: string, threshold: Threshold, metrics: Record<string, number>): GateReport {
  const { op, value } = parseThreshold(threshold);
  const actual = metrics[metric];
  const inputs = { metric, op, threshold: value, actual: actual ?? null };
  if (actual === undefined || !Number.isFinite(actual)) {
    return {
      name: `metric ${metric}`,
      kind: 'metric',
      verdict: 'fail',
      inputs,
      message: `metric ${metric} was not reported; register the version with it`,
    };
  }
  const ok = comparators[op](actual, value);
  return {
    name: `metric ${metric}`,
    kind: 'metric',
    verdict: ok ? 'pass' : 'fail',
    inputs,
    message: `${metric} = ${actual} ${ok ? 'meets' : 'fails'} ${op} ${value}`,
  };
}

/** Both models' scores on one evaluation: the one given with the call, or a shared registered one. */
function sameEvaluation(metric: string, champion: string, input: GateInput) {
  const championVersion = input.state?.versions[champion];
  if (input.evaluation?.champion)
    return {
      challengerScore: (input.evaluation.metrics ?? input.version.metrics)[metric],
      championScore: input.evaluation.champion[metric],
      evaluation: input.evaluation.id ?? 'given',
    };
  if (championVersion?.evaluation && championVersion.evaluation === input.version.evaluation)
    return {
      challengerScore: input.version.metrics[metric],
      championScore: championVersion.metrics[metric],
      evaluation: input.version.evaluation,
    };
  return undefined;
}

function challengerGate(rule: NonNullable<StageGates['challenger']>, input: GateInput): GateReport {
  const name = 'challenger vs champion';
  const champion = input.state?.stages[input.stage]?.champion ?? null;
  const base = {
    metric: rule.metric,
    direction: rule.direction,
    minImprovement: rule.minImprovement,
    champion,
  };
  if (!champion || champion === input.version.id) {
    return {
      name,
      kind: 'challenger',
      verdict: 'pass',
      inputs: base,
      message: `no champion in ${input.stage} yet`,
    };
  }
  const scored = sameEvaluation(rule.metric, champion, input);
  if (!scored) {
    return {
      name,
      kind: 'challenger',
      verdict: 'fail',
      inputs: {
        ...base,
        challengerEvaluation: input.version.evaluation ?? null,
        championEvaluation: input.state?.versions[champion]?.evaluation ?? null,
      },
      message: `${input.version.id} and champion ${champion} were not scored on the same evaluation; pass an evaluation with both models' ${rule.metric}`,
    };
  }
  const { challengerScore, championScore, evaluation } = scored;
  const inputs = {
    ...base,
    evaluation,
    challengerScore: challengerScore ?? null,
    championScore: championScore ?? null,
  };
  if (challengerScore === undefined || championScore === undefined) {
    return {
      name,
      kind: 'challenger',
      verdict: 'fail',
      inputs,
      message: `${rule.metric} is missing for ${challengerScore === undefined ? 'the challenger' : 'the champion'} on evaluation ${evaluation}`,
    };
  }
  const improvement =
    rule.direction === 'higher' ? challengerScore - championScore : championScore - challengerScore;
  const ok = improvement >= rule.minImprovement - 1e-12;
  return {
    name,
    kind: 'challenger',
    verdict: ok ? 'pass' : 'fail',
    inputs: { ...inputs, improvement },
    message: `${rule.metric} ${challengerScore} vs champion ${championScore}: improvement ${improvement.toPrecision(4)} ${ok ? '>=' : '<'} required ${rule.minImprovement}`,
  };
}

function previousStageGate(input: GateInput): GateReport | undefined {
  const index = input.stages.indexOf(input.stage);
  if (index <= 0) return undefined;
  const previous = input.stages[index - 1] as string;
  const status = input.state?.stages[previous]?.entries[input.version.id]?.status ?? 'registered';
  const ok = status === 'deployed' || status === 'archived';
  return {
    name: `previous stage ${previous}`,
    kind: 'previous-stage',
    verdict: ok ? 'pass' : 'fail',
    inputs: { previousStage: previous, status },
    message: ok
      ? `${input.version.id} was deployed in ${previous}`
      : `${input.version.id} is ${status} in ${previous}; promote it to ${previous} first`,
  };
}

export async function evaluateGates(
  input: GateInput,
  gates: StageGates,
  approvals: ApprovalPolicy | undefined,
  custom: readonly CustomGate[],
): Promise<GateOutcome> {
  const reports: GateReport[] = [];
  if (gates.previousStage !== false) {
    const report = previousStageGate(input);
    if (report) reports.push(report);
  }
  const metrics = input.evaluation?.metrics ?? input.version.metrics;
  for (const [metric, threshold] of Object.entries(gates.metrics ?? {}))
    reports.push(metricGate(metric, threshold, metrics));
  if (gates.challenger) reports.push(challengerGate(gates.challenger, input));
  if (gates.manifest) reports.push(await manifestGate(input.version));
  for (const gate of custom) {
    if (gate.stages && !gate.stages.includes(input.stage)) continue;
    if (gate.models && !gate.models.includes(input.model)) continue;
    let result: CustomGateResult;
    try {
      const raw = await gate.check(input);
      result = typeof raw === 'boolean' ? { passed: raw } : raw;
    } catch (error) {
      result = { passed: false, message: `threw: ${(error as Error).message}` };
    }
    reports.push({
      name: `custom:${gate.name}`,
      kind: 'custom',
      verdict: result.passed ? 'pass' : 'fail',
      inputs: result.inputs ?? {},
      message: result.message ?? (result.passed ? 'passed' : 'failed'),
    });
  }
  const approvalsRequired = approvals?.count ?? 0;
  if (approvalsRequired > 0) {
    reports.push({
      name: 'approvals',
      kind: 'approvals',
      verdict: 'pending',
      inputs: { required: approvalsRequired, approvers: approvals?.approvers ?? [] },
      message: `needs ${approvalsRequired} approval(s)${approvals?.approvers.length ? ` from ${approvals.approvers.join(', ')}` : ''}`,
    });
  }
  return {
    reports,
    passed: reports.every((report) => report.verdict !== 'fail'),
    approvalsRequired,
    approvers: approvals?.approvers ?? [],
  };
}

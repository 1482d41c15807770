// Replays the jobs of a GitHub Actions workflow file step by step on this machine: each job in a
// fresh clone of a git repository at the event's commit (a job's workspace is ephemeral in CI),
// `run:` steps through bash with GITHUB_ACTIONS=true and a $GITHUB_OUTPUT file, step and job
// outputs and `needs` carried between them as the runner does. `uses:` steps and the tool installs
// are what this machine already provides. Only the expressions the example uses are understood;
// anything else throws, so a change to the workflow cannot be silently mis-replayed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseGithubOutputs } from '../../core/test/helpers/github-outputs.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
}

interface Job {
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

export interface WorkflowEvent {
  /** `refs/heads/main`, `refs/pull/7/merge`. */
  ref: string;
  sha: string;
  runId: string;
}

export interface StepResult {
  name: string;
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface JobResult {
  job: string;
  /** `skipped` when the job's `if` (or a failed `needs`) kept it from running. */
  conclusion: 'success' | 'failure' | 'skipped';
  steps: StepResult[];
  outputs: Record<string, string>;
}

export function readWorkflow(path: string): Workflow {
  return parse(readFileSync(path, 'utf8')) as Workflow;
}

interface Scope {
  event: WorkflowEvent;
  steps: Record<string, Record<string, string>>;
  needs: Record<string, Record<string, string>>;
  vars: Record<string, string>;
}

function expression(text: string, scope: Scope): string {
  const path = text.trim().split('.');
  const [root, a, b, c] = path;
  if (root === 'github' && a === 'ref') return scope.event.ref;
  if (root === 'github' && a === 'sha') return scope.event.sha;
  if ((root === 'vars' || root === 'secrets') && a) return scope.vars[a] ?? '';
  if (root === 'steps' && a && b === 'outputs' && c) return scope.steps[a]?.[c] ?? '';
  if (root === 'needs' && a && b === 'outputs' && c) return scope.needs[a]?.[c] ?? '';
  throw new Error(`workflow replay: unsupported expression \${{ ${text} }}`);
}

function substitute(text: string, scope: Scope): string {
  return text.replace(/\$\{\{([^}]+)\}\}/g, (_, inner: string) => expression(inner, scope));
}

function condition(text: string | undefined, scope: Scope): boolean {
  if (text === undefined) return true;
  const match = /^\s*github\.ref\s*==\s*'([^']*)'\s*$/.exec(text);
  if (!match) throw new Error(`workflow replay: unsupported condition "${text}"`);
  return scope.event.ref === match[1];
}

const provided = /^(pip|npm) install\b/;

function bash(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Omit<StepResult, 'name' | 'outputs'>> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', command], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ command, code: code ?? 1, stdout, stderr }));
  });
}

export interface ReplayOptions {
  workflow: Workflow;
  /** A git repository holding what the workflow's repository would. */
  repo: string;
  /** The machine's environment (PATH with the tools, HOME, …); the workflow's `env` goes over it. */
  env: NodeJS.ProcessEnv;
  /** Values of `vars.*` and `secrets.*`. */
  vars: Record<string, string>;
  /** Workflow `env` entries the machine sets differently (e.g. local metadata instead of a service). */
  overrides?: Record<string, string>;
}

/** Runs one job of the workflow for `event`; `needs` are the results of the jobs it needs. */
export async function runJob(
  options: ReplayOptions,
  event: WorkflowEvent,
  name: string,
  needs: JobResult[] = [],
): Promise<JobResult> {
  const job = options.workflow.jobs[name];
  if (!job) throw new Error(`workflow replay: no job ${name}`);
  const scope: Scope = {
    event,
    steps: {},
    needs: Object.fromEntries(needs.map((n) => [n.job, n.outputs])),
    vars: options.vars,
  };
  const needed = needs.filter((n) => n.job === job.needs);
  if ((job.needs && needed[0]?.conclusion !== 'success') || !condition(job.if, scope))
    return { job: name, conclusion: 'skipped', steps: [], outputs: {} };

  const workspace = mkdtempSync(join(tmpdir(), `modelship-gha-${name}-`));
  try {
    return await runSteps(options, event, name, job, scope, workspace);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function runSteps(
  options: ReplayOptions,
  event: WorkflowEvent,
  name: string,
  job: Job,
  scope: Scope,
  workspace: string,
): Promise<JobResult> {
  const checkout = await bash(
    `git clone -q "${options.repo}" . && git checkout -q ${event.sha}`,
    workspace,
    options.env,
  );
  if (checkout.code !== 0) throw new Error(`workflow replay: checkout failed: ${checkout.stderr}`);
  const workflowEnv = Object.fromEntries(
    Object.entries(options.workflow.env).map(([key, value]) => [key, substitute(String(value), scope)]),
  );
  const steps: StepResult[] = [];
  for (const [index, step] of job.steps.entries()) {
    if (!step.run || provided.test(step.run) || !condition(step.if, scope)) continue;
    const outputFile = join(workspace, `.github-output-${index}`);
    writeFileSync(outputFile, '');
    const env = {
      ...options.env,
      ...workflowEnv,
      ...options.overrides,
      GITHUB_ACTIONS: 'true',
      GITHUB_REF: event.ref,
      GITHUB_SHA: event.sha,
      GITHUB_RUN_ID: event.runId,
      GITHUB_OUTPUT: outputFile,
    };
    const result = await bash(substitute(step.run, scope), workspace, env);
    const outputs = parseGithubOutputs(readFileSync(outputFile, 'utf8'));
    if (step.id) scope.steps[step.id] = outputs;
    steps.push({ name: step.name ?? step.run, ...result, outputs });
    if (result.code !== 0) return { job: name, conclusion: 'failure', steps, outputs: {} };
  }
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([key, value]) => [key, substitute(value, scope)]),
  );
  return { job: name, conclusion: 'success', steps, outputs };
}

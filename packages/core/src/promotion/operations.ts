import { createHash } from 'node:crypto';
import { approvalPolicyFor, stageGatesFor } from '../config/load.js';
import { ErrorCode, InvalidInputError, ModelshipError, NotFoundError } from '../contract/errors.js';
import type { DeployResult, MappedStatus, ProviderWarning } from '../contract/provider.js';
import type { LedgerEventInput } from '../ledger/event.js';
import type { LoadedState } from '../ledger/ledger.js';
import { allowedTransitions, assertTransition } from '../state/transitions.js';
import type { GateReport, LedgerState, ModelVersion, StageEntry, StageState } from '../state/types.js';
import { ApprovalRequiredError, IllegalTransitionError, NotAllowedError, RaceLostError } from './errors.js';
import { evaluateGates, type GateOutcome } from './gates.js';
import { mirrorTags, type TagChange } from './mirror.js';
import { isPlan, type Plan, type PromoterCore } from './promoter.js';
import type {
  ApproveInput,
  DeployRequest,
  PromoteInput,
  PromotionResult,
  ReconcileReport,
  RegisterInput,
  RollbackInput,
} from './types.js';

/** A deploy.started that was appended; the provider is called only after it is durable. */
interface Ticket {
  kind: 'deploy';
  model: string;
  version: string;
  stage: string;
  replaces: string | null;
  rollback: boolean;
  gates: GateReport[];
  key: string | undefined;
  /** Idempotency key handed to the provider's deploy; stored in deploy.started so reconcile reuses it. */
  deployKey: string;
  seq: number;
}

type Step = PromotionResult | Ticket;
const isTicket = (value: Step): value is Ticket => (value as Ticket).kind === 'deploy';
const failedStates = new Set(['failed', 'stopped', 'rejected']);

function deployingOther(stage: StageState | undefined, version: string): StageEntry | undefined {
  return Object.values(stage?.entries ?? {}).find(
    (entry) => entry.status === 'deploying' && entry.version !== version,
  );
}

function lookup(state: LedgerState, model: string, version: string): ModelVersion {
  const found = state.models[model]?.versions[version];
  if (!found) {
    const known = Object.keys(state.models[model]?.versions ?? {});
    throw new NotFoundError(
      state.models[model]
        ? `model ${model} has no version ${version}; known versions: ${known.join(', ')}`
        : `model ${model} is not registered; register a version first`,
      { details: { model, version } },
    );
  }
  return found;
}

export class PromotionOperations {
  constructor(private readonly core: PromoterCore) {}

  private result(
    input: { model: string; stage: string; version: string },
    outcome: PromotionResult['outcome'],
    entry: StageEntry | undefined,
    extra: Partial<PromotionResult> = {},
  ): PromotionResult {
    return {
      outcome,
      model: input.model,
      stage: input.stage,
      version: input.version,
      gates: entry?.gates ?? [],
      ...(entry && entry.approvalsRequired > 0
        ? { approvals: { required: entry.approvalsRequired, granted: entry.approvals.map((a) => a.by) } }
        : {}),
      ...extra,
    };
  }

  private event(
    type: LedgerEventInput['type'],
    fields: {
      model: string;
      version?: string;
      stage?: string;
      by?: string;
      idempotencyKey?: string;
      data: Record<string, unknown>;
    },
  ): LedgerEventInput {
    return { type, at: this.core.now(), ...fields };
  }

  async register(input: RegisterInput): Promise<ModelVersion> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input.model ?? '')) {
      throw new InvalidInputError(
        `model name "${input.model}" is invalid; use letters, digits, ".", "_" or "-"`,
      );
    }
    for (const [name, value] of Object.entries(input.metrics ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new InvalidInputError(`metrics.${name} must be a finite number, got ${String(value)}`);
    }
    // Two different registrations in one CI job must not collapse into one: the default key covers the input.
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          input.metrics,
          input.path,
          input.artifact,
          input.manifestDigest,
          input.refs,
          input.evaluation,
        ]),
      )
      .digest('hex')
      .slice(0, 16);
    const key = this.core.key(input.idempotencyKey, 'register', [input.model, fingerprint]);
    const provenance =
      input.provenance ??
      (this.core.options.captureProvenance === false ? undefined : await captured(this.core.env));
    const by = this.core.actor(undefined);
    return this.core.commit<ModelVersion>((loaded) => {
      const previous = key ? loaded.state.idempotency[key] : undefined;
      if (previous?.result) return previous.result as ModelVersion;
      const number = Object.keys(loaded.state.models[input.model]?.versions ?? {}).length + 1;
      const record: ModelVersion = {
        model: input.model,
        id: `v${number}`,
        number,
        registeredAt: this.core.now(),
        metrics: { ...input.metrics },
        ...(input.artifact ? { artifact: input.artifact } : {}),
        ...(input.path ? { path: input.path } : {}),
        ...(input.manifest ? { manifest: input.manifest } : {}),
        ...(input.manifestDigest ? { manifestDigest: input.manifestDigest } : {}),
        ...(input.evaluation ? { evaluation: input.evaluation } : {}),
        ...(provenance ? { provenance } : {}),
        refs: { ...input.refs },
      };
      const data = { operation: 'register', record, result: record };
      return {
        events: [
          this.event('version.registered', {
            model: input.model,
            version: record.id,
            by,
            idempotencyKey: key,
            data,
          }),
        ],
        done: () => record,
      };
    }, isPlan);
  }

  async promote(input: PromoteInput): Promise<PromotionResult> {
    this.core.assertStage(input.to);
    const by = this.core.actor(input.by);
    const key = this.core.key(input.idempotencyKey, 'promote', [input.model, input.version, input.to]);
    let gates: GateOutcome | undefined;
    let seen: string | undefined;
    const step = await this.core.commit<Step>(async (loaded) => {
      const { state } = loaded;
      const previous = key ? state.idempotency[key] : undefined;
      if (previous?.result) return previous.result as PromotionResult;
      const version = lookup(state, input.model, input.version);
      const model = state.models[input.model];
      const stage = model?.stages[input.to];
      const entry = stage?.entries[input.version];
      const status = entry?.status ?? 'registered';
      const champion = stage?.champion ?? null;
      const fingerprint = JSON.stringify([
        champion,
        status,
        deployingOther(stage, input.version)?.version ?? null,
      ]);
      const where = { model: input.model, stage: input.to, version: input.version };
      if (seen !== undefined && seen !== fingerprint) {
        throw new RaceLostError(
          `another promoter changed ${input.model} ${input.to} first (champion now ${champion ?? 'none'}); nothing was recorded for ${input.version}`,
          { details: { ...where, champion } },
        );
      }
      seen = fingerprint;
      if (input.expectedChampion !== undefined && champion !== input.expectedChampion) {
        throw new RaceLostError(
          `${input.model} ${input.to} has champion ${champion ?? 'none'}, not the expected ${input.expectedChampion ?? 'none'}; nothing was recorded`,
          { details: { ...where, champion } },
        );
      }
      if (status === 'deployed') return this.result(where, 'already-done', entry);
      if (status === 'pending-approval') return this.result(where, 'pending-approval', entry);
      if (status === 'deploying') {
        throw new RaceLostError(
          `${input.model} ${input.version} is already deploying to ${input.to} since ${entry?.since}; if that run crashed, run reconcile`,
          { details: where },
        );
      }
      const other = deployingOther(stage, input.version);
      if (other) {
        throw new RaceLostError(
          `${input.model} ${other.version} is deploying to ${input.to} right now; try again when it has finished`,
          { details: { ...where, deploying: other.version } },
        );
      }
      const events: LedgerEventInput[] = [];
      const base = { model: input.model, version: input.version, stage: input.to, by, idempotencyKey: key };
      let reports = entry?.gates ?? [];
      if (status !== 'approved') {
        assertTransition(`${input.model} ${input.version} in ${input.to}`, status, 'candidate');
        gates ??= await evaluateGates(
          {
            model: input.model,
            version,
            stage: input.to,
            stages: this.core.config.stages,
            state: model,
            evaluation: input.evaluation,
            signal: this.core.context.signal,
          },
          stageGatesFor(this.core.config, input.model, input.to),
          approvalPolicyFor(this.core.config, input.model, input.to),
          this.core.options.gates ?? [],
        );
        reports = gates.reports;
        events.push(
          this.event('promotion.requested', {
            ...base,
            data: { operation: 'promote', evaluation: input.evaluation },
          }),
        );
        const evaluated = {
          passed: gates.passed,
          gates: gates.reports,
          approvalsRequired: gates.approvalsRequired,
          approvers: gates.approvers,
        };
        if (!gates.passed || gates.approvalsRequired > 0) {
          const result: PromotionResult = {
            ...where,
            outcome: gates.passed ? 'pending-approval' : 'gate-failed',
            gates: gates.reports,
            ...(gates.passed ? { approvals: { required: gates.approvalsRequired, granted: [] } } : {}),
          };
          events.push(this.event('gates.evaluated', { ...base, data: { ...evaluated, result } }));
          return { events, done: () => result };
        }
        events.push(this.event('gates.evaluated', { ...base, data: evaluated }));
      }
      events.push(this.event('deploy.started', { ...base, data: { replaces: champion } }));
      return this.ticketPlan(events, { ...where, replaces: champion, rollback: false, gates: reports, key });
    }, isPlan);
    if (isTicket(step)) return this.finishDeploy(step);
    if (step.outcome === 'gate-failed' && step.gates.length > 0) {
      // A registry must not keep a version that failed its gates approvable by anyone in a console.
      const reason = step.gates
        .filter((gate) => gate.verdict === 'fail')
        .map((gate) => `${gate.name}: ${gate.message}`)
        .join('; ');
      return this.mirrored(step, [{ ...step, tag: 'rejected', approval: { by: 'modelship gates', reason } }]);
    }
    if (step.outcome !== 'pending-approval') return step;
    const waiting = await this.mirrored(step, [{ ...step, tag: 'challenger' }]);
    const external = await this.externalDecision(step);
    if (!external) return waiting;
    const decided = { model: step.model, version: step.version, stage: step.stage, by: external.by };
    const reason = external.reason || `${external.raw} in ${this.core.options.provider?.name}`;
    return external.decision === 'approved'
      ? this.approve({ ...decided, reason })
      : this.reject({ ...decided, reason });
  }

  /** A decision taken on the platform (a registry's console) about a version waiting in a stage. */
  private async externalDecision(where: { model: string; version: string; stage: string }) {
    const provider = this.core.options.provider;
    if (!provider?.externalApproval) return undefined;
    const { state } = await this.core.load();
    const refs = state.models[where.model]?.versions[where.version]?.refs ?? {};
    return provider.externalApproval(
      { model: { name: where.model, version: where.version }, stage: where.stage, refs },
      this.core.context,
    );
  }

  /** `result` with the warnings of mirroring `changes` to the provider's tags, if any. */
  private async mirrored(
    result: PromotionResult,
    changes: TagChange[],
    state?: LedgerState,
  ): Promise<PromotionResult> {
    const warnings = await mirrorTags(this.core, changes, state);
    return warnings.length ? { ...result, warnings: [...(result.warnings ?? []), ...warnings] } : result;
  }

  private ticketPlan(
    events: LedgerEventInput[],
    ticket: Omit<Ticket, 'kind' | 'seq' | 'deployKey'>,
  ): Plan<Step> {
    const started = events[events.length - 1] as LedgerEventInput;
    const deployKey = ticket.key ?? `deploy:${ticket.model}:${ticket.version}:${ticket.stage}:${started.at}`;
    started.data = { ...started.data, deployKey };
    return {
      events,
      done: (appended) => ({
        kind: 'deploy',
        ...ticket,
        deployKey,
        seq: appended[appended.length - 1]?.seq ?? 0,
      }),
    };
  }

  /** Calls the provider after `deploying` is durable, then records how it went. */
  async finishDeploy(
    ticket: Ticket,
    known?: DeployResult,
    warnings: ProviderWarning[] = [],
  ): Promise<PromotionResult> {
    const { state } = await this.core.load();
    const version = lookup(state, ticket.model, ticket.version);
    const previous = ticket.replaces
      ? state.models[ticket.model]?.stages[ticket.stage]?.entries[ticket.replaces]
      : undefined;
    const provider = this.core.options.provider;
    let deployed: DeployResult | undefined = known;
    let failure: unknown;
    if (!deployed) {
      try {
        deployed = provider
          ? await provider.deploy(
              {
                model: { name: ticket.model, version: ticket.version },
                stage: ticket.stage,
                refs: version.refs,
                ...(ticket.replaces
                  ? { previous: { version: ticket.replaces, refs: previous?.refs ?? {} } }
                  : {}),
                ...(ticket.rollback ? { rollback: true } : {}),
                idempotencyKey: ticket.deployKey,
              },
              this.core.context,
            )
          : { status: { unified: 'deployed', raw: 'recorded' }, refs: {}, warnings: [] };
      } catch (error) {
        failure = error;
      }
    }
    if (deployed && failedStates.has(deployed.status.unified)) {
      failure = new ModelshipError(
        ErrorCode.Provider,
        `deploy of ${ticket.model} ${ticket.version} to ${ticket.stage} ended ${deployed.status.raw}`,
      );
    }
    const where = { model: ticket.model, version: ticket.version, stage: ticket.stage };
    const result = (entry: StageEntry | undefined): PromotionResult =>
      this.result(where, 'promoted', entry, {
        gates: ticket.gates,
        previous: ticket.replaces,
        ...(deployed ? { deploy: deployed } : {}),
      });
    const recorded = await this.core.commit<PromotionResult>((loaded) => {
      const entry = loaded.state.models[ticket.model]?.stages[ticket.stage]?.entries[ticket.version];
      if (entry?.status !== 'deploying')
        return this.result(where, entry?.status === 'deployed' ? 'already-done' : 'gate-failed', entry);
      const base = { ...where, by: this.core.actor(undefined), idempotencyKey: ticket.key };
      if (failure) {
        const error = {
          code: ModelshipError.isInstance(failure) ? failure.code : ErrorCode.Provider,
          message: (failure as Error).message,
        };
        return {
          events: [this.event('deploy.failed', { ...base, data: { error } })],
          done: () => result(entry),
        };
      }
      const status = deployed?.status as MappedStatus;
      const ok = result({ ...entry, endpoint: deployed?.endpoint });
      return {
        events: [
          this.event('deploy.succeeded', {
            ...base,
            data: {
              endpoint: deployed?.endpoint,
              refs: deployed?.refs ?? {},
              status,
              rollback: ticket.rollback,
              result: ok,
            },
          }),
        ],
        done: () => ok,
      };
    }, isPlan);
    if (failure) throw this.redacted(failure);
    const withWarnings = warnings.length ? { ...recorded, warnings } : recorded;
    if (recorded.outcome !== 'promoted') return withWarnings;
    return this.mirrored(
      withWarnings,
      [
        // Removed first: on platforms with one label per model, adding first would be undone.
        ...(ticket.replaces && ticket.replaces !== ticket.version
          ? [{ ...where, version: ticket.replaces, tag: 'champion', action: 'remove' } as const]
          : []),
        { ...where, tag: 'champion' },
        // Only a version that waited for approval was tagged challenger.
        ...(recorded.approvals ? [{ ...where, tag: 'challenger', action: 'remove' } as const] : []),
      ],
      state,
    );
  }

  /** Errors from providers are shown to users: their messages pass through the redactor first. */
  private redacted(failure: unknown): ModelshipError {
    const redact = this.core.context.redact;
    if (ModelshipError.isInstance(failure)) {
      failure.message = redact(failure.message);
      return failure;
    }
    // The original error is not kept as `cause`: printing it would show the unredacted message.
    return new ModelshipError(ErrorCode.Provider, redact(String((failure as Error)?.message ?? failure)));
  }

  async approve(input: ApproveInput): Promise<PromotionResult> {
    return this.decideApproval(input, true);
  }

  async reject(input: ApproveInput): Promise<PromotionResult> {
    return this.decideApproval(input, false);
  }

  private async decideApproval(input: ApproveInput, approve: boolean): Promise<PromotionResult> {
    this.core.assertStage(input.stage);
    const key = this.core.key(input.idempotencyKey, approve ? 'approve' : 'reject', [
      input.model,
      input.version,
      input.stage,
      input.by,
    ]);
    const policy = approvalPolicyFor(this.core.config, input.model, input.stage);
    const where = { model: input.model, stage: input.stage, version: input.version };
    let approvedBy: string[] = []; // set by the decision that is committed
    const step = await this.core.commit<Step>((loaded: LoadedState) => {
      const previous = key ? loaded.state.idempotency[key] : undefined;
      if (previous?.result) return previous.result as PromotionResult;
      lookup(loaded.state, input.model, input.version);
      const stage = loaded.state.models[input.model]?.stages[input.stage];
      const entry = stage?.entries[input.version];
      const status = entry?.status ?? 'registered';
      if (approve && entry?.approvals.some((a) => a.by === input.by))
        return this.result(where, status === 'pending-approval' ? 'pending-approval' : 'already-done', entry);
      if (status !== 'pending-approval' && (approve || !['candidate', 'approved'].includes(status))) {
        throw new IllegalTransitionError(
          `${input.model} ${input.version} in ${input.stage}`,
          status,
          approve ? 'approved' : 'rejected',
          allowedTransitions[status],
        );
      }
      const approvers = entry?.approvers?.length ? entry.approvers : (policy?.approvers ?? []);
      if (approvers.length && !approvers.includes(input.by)) {
        throw new NotAllowedError(
          `${input.by} may not ${approve ? 'approve' : 'reject'} ${input.model} ${input.version} for ${input.stage}; allowed approvers: ${approvers.join(', ')}`,
        );
      }
      if (approve && !policy?.allowSelfApproval && entry?.requestedBy === input.by) {
        throw new NotAllowedError(
          `${input.by} asked for this promotion and may not approve it too; ask another approver (or set allowSelfApproval)`,
        );
      }
      const base = { ...where, by: input.by, idempotencyKey: key };
      if (!approve) {
        const rejected = this.result(where, 'rejected', entry);
        return {
          events: [
            this.event('approval.rejected', { ...base, data: { reason: input.reason, result: rejected } }),
          ],
          done: () => rejected,
        };
      }
      const granted = [...(entry?.approvals.map((a) => a.by) ?? []), input.by];
      approvedBy = granted;
      const complete = granted.length >= (entry?.approvalsRequired ?? 0);
      const other = deployingOther(stage, input.version);
      if (complete && other)
        throw new RaceLostError(
          `${input.model} ${other.version} is deploying to ${input.stage}; approve again when it has finished`,
        );
      const pending = this.result(where, 'pending-approval', entry, {
        approvals: { required: entry?.approvalsRequired ?? 0, granted },
      });
      const events = [
        this.event('approval.granted', {
          ...base,
          data: { reason: input.reason, ...(complete ? {} : { result: pending }) },
        }),
      ];
      if (!complete) return { events, done: () => pending };
      const champion = stage?.champion ?? null;
      events.push(this.event('deploy.started', { ...base, data: { replaces: champion } }));
      return this.ticketPlan(events, {
        ...where,
        replaces: champion,
        rollback: false,
        gates: entry?.gates ?? [],
        key,
      });
    }, isPlan);
    if (isTicket(step)) {
      // Before the deploy: a registry may deploy only what it has seen approved (SageMaker).
      const approval = { by: approvedBy.join(', '), ...(input.reason ? { reason: input.reason } : {}) };
      return this.finishDeploy(
        step,
        undefined,
        await mirrorTags(this.core, [{ ...where, tag: 'approved', approval }]),
      );
    }
    if (approve || step.outcome !== 'rejected') return step;
    return this.mirrored(step, [
      { ...where, tag: 'challenger', action: 'remove' },
      {
        ...where,
        tag: 'rejected',
        approval: { by: input.by, ...(input.reason ? { reason: input.reason } : {}) },
      },
    ]);
  }

  async deploy(input: DeployRequest): Promise<PromotionResult> {
    this.core.assertStage(input.stage);
    const step = await this.core.commit<Step>((loaded) => {
      const stage = loaded.state.models[input.model]?.stages[input.stage];
      const versionId =
        input.version ??
        Object.values(stage?.entries ?? {}).find(
          (e) => e.status === 'approved' || e.status === 'pending-approval',
        )?.version;
      if (!versionId)
        throw new InvalidInputError(
          `no version of ${input.model} is waiting to be deployed to ${input.stage}; promote one first or pass a version`,
        );
      lookup(loaded.state, input.model, versionId);
      const key = this.core.key(input.idempotencyKey, 'deploy', [input.model, versionId, input.stage]);
      const previous = key ? loaded.state.idempotency[key] : undefined;
      if (previous?.result) return previous.result as PromotionResult;
      const entry = stage?.entries[versionId];
      const status = entry?.status ?? 'registered';
      const where = { model: input.model, stage: input.stage, version: versionId };
      if (status === 'deployed') return this.result(where, 'already-done', entry);
      if (status === 'pending-approval') {
        const missing = (entry?.approvalsRequired ?? 0) - (entry?.approvals.length ?? 0);
        throw new ApprovalRequiredError(
          `${input.model} ${versionId} needs ${missing} more approval(s) for ${input.stage}${entry?.approvers?.length ? ` from ${entry.approvers.join(', ')}` : ''}`,
          { details: where },
        );
      }
      if (status !== 'approved' && status !== 'failed') {
        throw new IllegalTransitionError(
          `${input.model} ${versionId} in ${input.stage}`,
          status,
          'deploying',
          allowedTransitions[status],
        );
      }
      const other = deployingOther(stage, versionId);
      if (other)
        throw new RaceLostError(`${input.model} ${other.version} is deploying to ${input.stage} right now`);
      const champion = stage?.champion ?? null;
      const events = [
        this.event('deploy.started', {
          ...where,
          by: this.core.actor(input.by),
          idempotencyKey: key,
          data: { replaces: champion },
        }),
      ];
      return this.ticketPlan(events, {
        ...where,
        replaces: champion,
        rollback: false,
        gates: entry?.gates ?? [],
        key,
      });
    }, isPlan);
    return isTicket(step) ? this.finishDeploy(step) : step;
  }

  async rollback(input: RollbackInput): Promise<PromotionResult> {
    this.core.assertStage(input.stage);
    const step = await this.core.commit<Step>((loaded) => {
      const stage = loaded.state.models[input.model]?.stages[input.stage];
      const champion = stage?.champion;
      if (!stage || !champion)
        throw new InvalidInputError(
          `${input.model} has no champion in ${input.stage}; there is nothing to roll back`,
        );
      const target = [...stage.championHistory]
        .reverse()
        .find((v) => v !== champion && stage.entries[v]?.status === 'archived');
      if (!target)
        throw new InvalidInputError(
          `${input.model} ${input.stage} has no earlier champion to roll back to (history: ${stage.championHistory.join(' → ')})`,
        );
      const key = this.core.key(input.idempotencyKey, 'rollback', [input.model, input.stage, champion]);
      const previous = key ? loaded.state.idempotency[key] : undefined;
      if (previous?.result) return previous.result as PromotionResult;
      const other = deployingOther(stage, target);
      if (other)
        throw new RaceLostError(`${input.model} ${other.version} is deploying to ${input.stage} right now`);
      const where = { model: input.model, stage: input.stage, version: target };
      const data = { replaces: champion, rollback: true };
      const events = [
        this.event('deploy.started', { ...where, by: this.core.actor(input.by), idempotencyKey: key, data }),
      ];
      return this.ticketPlan(events, { ...where, replaces: champion, rollback: true, gates: [], key });
    }, isPlan);
    return isTicket(step) ? this.finishDeploy(step) : step;
  }

  /** Finishes or fails every `deploying` left by a crashed run, asking the provider where it stands. */
  async reconcile(): Promise<ReconcileReport[]> {
    const { state } = await this.core.load();
    const reports: ReconcileReport[] = [];
    const provider = this.core.options.provider;
    for (const model of Object.values(state.models)) {
      for (const stage of Object.values(model.stages)) {
        for (const entry of Object.values(stage.entries)) {
          if (entry.status !== 'deploying') continue;
          const ticket: Ticket = {
            kind: 'deploy',
            model: model.name,
            version: entry.version,
            stage: stage.name,
            replaces: entry.replaces ?? null,
            rollback: entry.rollback === true,
            gates: entry.gates,
            key: undefined,
            deployKey:
              entry.deployKey ?? `deploy:${model.name}:${entry.version}:${stage.name}:${entry.since}`,
            seq: 0,
          };
          const where = { model: model.name, version: entry.version, stage: stage.name };
          let known: DeployResult | undefined;
          if (provider?.status) {
            const status = await provider.status(
              {
                model: { name: model.name, version: entry.version },
                stage: stage.name,
                refs: model.versions[entry.version]?.refs ?? {},
              },
              this.core.context,
            );
            if (!['deployed', 'succeeded', ...failedStates].includes(status.status.unified)) {
              reports.push({ ...where, outcome: 'in-progress', status: status.status.unified });
              continue;
            }
            known = {
              status: status.status,
              refs: status.refs,
              ...(status.endpoint ? { endpoint: status.endpoint } : {}),
              warnings: [],
            };
          }
          try {
            await this.finishDeploy(ticket, known);
            reports.push({ ...where, outcome: 'deployed', status: known?.status.unified ?? 'deployed' });
          } catch (error) {
            reports.push({ ...where, outcome: 'failed', status: (error as Error).message });
          }
        }
      }
    }
    return reports;
  }
}

async function captured(
  env: Record<string, string | undefined>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const { captureProvenance } = await import('@modelship/manifest');
    return (await captureProvenance({ env })) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

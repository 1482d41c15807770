// The provider conformance kit: one behavioural suite that every provider runs against its
// real peer or emulator. Import from `@modelship/core/testing` inside a vitest test file.
// Every check is self-contained (it uploads or deploys what it needs itself), reads outcomes back
// through `status` rather than trusting a call's own answer, and can fail: the kit's self-test
// (core/test/conformance-kit.test.ts) runs it against deliberately broken providers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderContext } from './contract/context.js';
import { ErrorCode, ModelshipError } from './contract/errors.js';
import type { Logger } from './contract/logger.js';
import type {
  ProviderCapabilities,
  ProviderContext,
  ProviderRefs,
  ProviderV1,
  TrainInput,
  UploadResult,
} from './contract/provider.js';

export interface ProviderTestFixtures {
  /** A small model file or directory the provider can upload. */
  modelPath: string;
  modelName?: string;
  /** The version id used for tag and deploy. */
  modelVersion?: string;
  stage?: string;
  trainInput?: Partial<TrainInput>;
  /** Secrets the provider was configured with; none may appear in logs or error messages. */
  secrets?: string[];
  /** Refs that point at nothing on the platform: deploying them must fail with a ModelshipError naming them. */
  missingRefs?: ProviderRefs;
  /** Refs to deploy when the provider's deploy needs more than upload's (e.g. a registered package). */
  deployRefs?: (uploaded: UploadResult) => ProviderRefs | Promise<ProviderRefs>;
  /**
   * The tags `model` carries on `stage`, read back independently of what `tag` answered. Default:
   * `status({ model: { name, version }, stage })` and its `refs.tags` (comma-separated).
   */
  observeTags?: (args: ObserveArgs) => Promise<string[]>;
}

export interface ObserveArgs {
  provider: ProviderV1;
  model: { name: string; version: string };
  stage: string;
  refs: ProviderRefs;
  context: ProviderContext;
}

/** The checks of the suite, by id (what `knownGaps` names). */
export const conformanceChecks = {
  contract: 'declares specification v1, a name and the expected capabilities',
  upload: 'upload stores the model and reports its manifest digest as sha256:<hex>',
  'upload-retry': 'a retried upload returns the same URI and transfers nothing',
  'upload-digest-refused':
    'an upload whose caller-given manifestDigest does not match is refused (integrity)',
  'train-metrics': 'train runs to a terminal state and reports at least one numeric metric',
  'tag-observed':
    'tag marks the version (read back through status), and a retry with the same key is a no-op',
  'deploy-status': 'deploy reaches a deployed state, and status agrees',
  'undeploy-observed': 'undeploy stops the stage deployment, and status no longer says deployed',
  abort: 'an aborted signal stops a call with an `aborted` error',
  'errors-name-missing': 'a deploy of refs that point at nothing fails with a ModelshipError naming them',
  'secrets-hidden': 'no configured secret appears in any log line or error message',
} as const;
export type ConformanceCheck = keyof typeof conformanceChecks;

export interface TestProviderOptions {
  /** Suite title, e.g. `sagemaker against moto`. */
  name: string;
  create: () => ProviderV1 | Promise<ProviderV1>;
  /** What the provider must declare; a declared capability is tested, an absent one is skipped visibly. */
  capabilities: ProviderCapabilities;
  fixtures: () => ProviderTestFixtures | Promise<ProviderTestFixtures>;
  /** Release whatever `fixtures` made (servers, temp dirs). */
  cleanup?: () => void | Promise<void>;
  /**
   * Checks this provider fails today, each with the reason. They run as `it.fails` under a
   * `known gap:` title, so the gap stays visible and fixing it turns the check red until its
   * entry is removed here.
   */
  knownGaps?: Partial<Record<ConformanceCheck, string>>;
}

export interface ConformanceCase {
  id: ConformanceCheck;
  title: string;
  /** Skipped because the provider does not declare the capability this case needs. */
  skip: boolean;
  run(env: { provider: ProviderV1; fixtures: ProviderTestFixtures }): Promise<void>;
}

export interface CapturedContext {
  context: ProviderContext;
  lines: string[];
}

/** A context whose log lines are kept, to check what a call logged (e.g. that no secret leaked). */
export function capturingContext(secrets: string[], signal?: AbortSignal): CapturedContext {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return { context: createProviderContext({ logger, secrets, signal }), lines };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

function expectModelshipError(error: unknown, what: string): asserts error is ModelshipError {
  expect(ModelshipError.isInstance(error), `${what}: expected a ModelshipError, got ${String(error)}`).toBe(
    true,
  );
}

const deployedStates = ['deployed', 'succeeded'];

async function defaultObserveTags({ provider, model, stage, context }: ObserveArgs): Promise<string[]> {
  if (!provider.status)
    throw new Error('the provider has no status: pass fixtures.observeTags to read tags back');
  const { refs } = await provider.status({ model, stage }, context);
  if (refs.tags === undefined)
    throw new Error(
      `status of ${model.name}@${model.version} on ${stage} has no refs.tags: report the version's tags there, or pass fixtures.observeTags`,
    );
  return refs.tags.split(',').filter(Boolean);
}

/** The suite as plain cases, so it can be run by `testProvider` or checked by the kit's own self-test. */
export function conformanceCases(capabilities: ProviderCapabilities): ConformanceCase[] {
  const caps = capabilities;
  type Env = { provider: ProviderV1; fixtures: ProviderTestFixtures };
  const model = (f: ProviderTestFixtures) => ({
    name: f.modelName ?? 'conformance-model',
    version: f.modelVersion ?? 'v1',
  });
  const stage = (f: ProviderTestFixtures) => f.stage ?? 'staging';
  const upload = ({ provider, fixtures }: Env, context: ProviderContext, key = 'conformance-upload-1') =>
    provider.upload({ model: model(fixtures), path: fixtures.modelPath, idempotencyKey: key }, context);
  const deploy = async (env: Env, context: ProviderContext) => {
    const uploaded = await upload(env, context);
    const refs = env.fixtures.deployRefs ? await env.fixtures.deployRefs(uploaded) : uploaded.refs;
    const input = { model: model(env.fixtures), stage: stage(env.fixtures), refs };
    return env.provider.deploy({ ...input, idempotencyKey: 'conformance-deploy-1' }, context);
  };
  const deployMissing = (env: Env, context: ProviderContext) =>
    failure(
      env.provider.deploy(
        {
          model: { name: model(env.fixtures).name, version: 'missing-v0' },
          stage: stage(env.fixtures),
          refs: env.fixtures.missingRefs ?? { missing: 'modelship-conformance-does-not-exist' },
        },
        context,
      ),
    );
  const cases: Array<Omit<ConformanceCase, 'title'>> = [
    {
      id: 'contract',
      skip: false,
      async run({ provider }) {
        expect(provider.specificationVersion).toBe('v1');
        expect(provider.name).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(provider.capabilities).toEqual(caps);
        for (const method of ['status', 'undeploy', 'describe'] as const)
          expect(typeof provider[method] === 'function', `${method} present iff declared`).toBe(caps[method]);
        const known = ['champion', 'challenger', 'approved', 'rejected'];
        for (const tag of provider.promotionTags ?? []) expect(known, 'promotionTags entry').toContain(tag);
        if (provider.promotionTags?.length) expect(caps.tag, 'promotionTags need tag').toBe(true);
      },
    },
    {
      id: 'upload',
      skip: !caps.upload,
      async run(env) {
        const uploaded = await upload(env, capturingContext([]).context);
        expect(uploaded.uri).toMatch(/^[a-z][a-z0-9+.-]*:\/\/|^[^\s]+@[^\s]+$/i);
        expect(typeof uploaded.skipped).toBe('boolean');
        expect(Array.isArray(uploaded.warnings)).toBe(true);
        for (const value of Object.values(uploaded.refs)) expect(typeof value).toBe('string');
        expect(uploaded.manifestDigest, 'manifestDigest').toMatch(/^sha256:[0-9a-f]{64}$/);
      },
    },
    {
      id: 'upload-retry',
      skip: !caps.upload,
      async run(env) {
        const { context } = capturingContext([]);
        const first = await upload(env, context, 'conformance-upload-retry');
        const again = await upload(env, context, 'conformance-upload-retry');
        expect(again.uri).toBe(first.uri);
        expect(again.manifestDigest).toBe(first.manifestDigest);
        expect(again.skipped, 'the retry transfers nothing').toBe(true);
      },
    },
    {
      id: 'upload-digest-refused',
      skip: !caps.upload,
      async run({ provider, fixtures }) {
        const wrong = `sha256:${'0'.repeat(64)}`;
        const error = await failure(
          provider.upload(
            { model: model(fixtures), path: fixtures.modelPath, manifestDigest: wrong },
            capturingContext([]).context,
          ),
        );
        expectModelshipError(error, 'an upload with a wrong manifestDigest');
        expect(error.code).toBe(ErrorCode.Integrity);
      },
    },
    {
      id: 'train-metrics',
      skip: !caps.train,
      async run({ provider, fixtures }) {
        const result = await provider.train(
          {
            model: { name: model(fixtures).name },
            idempotencyKey: 'conformance-train-1',
            ...fixtures.trainInput,
          },
          capturingContext([]).context,
        );
        expect(result.runId).not.toBe('');
        expect(result.status.unified).toBe('succeeded');
        expect(typeof result.status.raw).toBe('string');
        const metrics = Object.entries(result.metrics);
        expect(metrics.length, 'train reports at least one metric').toBeGreaterThan(0);
        for (const [name, value] of metrics)
          expect(Number.isFinite(value), `metric ${name} is a finite number`).toBe(true);
      },
    },
    {
      id: 'tag-observed',
      skip: !caps.tag,
      async run(env) {
        const { context } = capturingContext([]);
        const uploaded = await upload(env, context);
        const refs = env.fixtures.deployRefs ? await env.fixtures.deployRefs(uploaded) : uploaded.refs;
        const input = {
          model: model(env.fixtures),
          stage: stage(env.fixtures),
          tag: 'challenger',
          refs,
          idempotencyKey: 'conformance-tag-1',
        };
        const first = await env.provider.tag(input, context);
        const second = await env.provider.tag(input, context);
        expect(second.refs).toEqual(first.refs);
        const observe = env.fixtures.observeTags ?? defaultObserveTags;
        const observed = { provider: env.provider, model: input.model, stage: input.stage, context };
        expect(await observe({ ...observed, refs: first.refs })).toContain('challenger');
        await env.provider.tag(
          { ...input, action: 'remove', idempotencyKey: 'conformance-tag-remove' },
          context,
        );
        expect(await observe({ ...observed, refs: first.refs })).not.toContain('challenger');
      },
    },
    {
      id: 'deploy-status',
      skip: !caps.deploy,
      async run(env) {
        const { context } = capturingContext([]);
        const result = await deploy(env, context);
        expect(deployedStates).toContain(result.status.unified);
        if (caps.status && env.provider.status) {
          const input = { model: model(env.fixtures), stage: stage(env.fixtures), refs: result.refs };
          const status = await env.provider.status(input, context);
          expect(deployedStates).toContain(status.status.unified);
        }
      },
    },
    {
      id: 'undeploy-observed',
      skip: !caps.undeploy,
      async run(env) {
        const { context } = capturingContext([]);
        const deployed = await deploy(env, context);
        const input = { model: model(env.fixtures), stage: stage(env.fixtures), refs: deployed.refs };
        await env.provider.undeploy!({ ...input, idempotencyKey: 'conformance-undeploy-1' }, context);
        if (!env.provider.status) throw new Error('undeploy cannot be checked: the provider has no status');
        const status = await env.provider.status(input, context);
        expect(deployedStates, `status after undeploy (${status.status.raw})`).not.toContain(
          status.status.unified,
        );
      },
    },
    {
      id: 'abort',
      skip: !caps.abort,
      async run({ provider, fixtures }) {
        const controller = new AbortController();
        controller.abort(new Error('stop'));
        const { context } = capturingContext(fixtures.secrets ?? [], controller.signal);
        const error = await failure(
          provider.upload(
            { model: model(fixtures), path: fixtures.modelPath, idempotencyKey: 'conformance-abort' },
            context,
          ),
        );
        expectModelshipError(error, 'an aborted upload');
        expect(error.code).toBe(ErrorCode.Aborted);
      },
    },
    {
      id: 'errors-name-missing',
      skip: !caps.deploy,
      async run(env) {
        const error = await deployMissing(env, capturingContext([]).context);
        expectModelshipError(error, 'a deploy of missing refs');
        // A ref's full value, or an id-like part of it (a key, a hash, a commit), counts as named.
        const named = ['missing-v0', ...Object.values(env.fixtures.missingRefs ?? {})].flatMap((value) => [
          value,
          ...value.split(/[/:#@?=]+/).filter((part) => part.length >= 8),
        ]);
        expect(
          named.some((value) => error.message.includes(value)),
          `"${error.message}" names none of ${named.join(', ')}`,
        ).toBe(true);
      },
    },
    {
      id: 'secrets-hidden',
      skip: !caps.upload,
      async run(env) {
        const secrets = env.fixtures.secrets ?? [];
        const captured = capturingContext(secrets);
        const texts: string[] = [];
        await upload(env, captured.context, 'conformance-secrets');
        if (caps.deploy) texts.push(String((await deployMissing(env, captured.context)) ?? ''));
        for (const secret of secrets)
          for (const text of [...captured.lines, ...texts]) expect(text).not.toContain(secret);
      },
    },
  ];
  return cases.map((c) => ({ ...c, title: conformanceChecks[c.id] }));
}

export function testProvider(options: TestProviderOptions): void {
  describe(`provider contract v1: ${options.name}`, () => {
    let env: { provider: ProviderV1; fixtures: ProviderTestFixtures } | undefined;

    beforeAll(async () => {
      const fixtures = await options.fixtures();
      env = { fixtures, provider: await options.create() };
    });

    afterAll(async () => {
      await options.cleanup?.();
    });

    for (const check of conformanceCases(options.capabilities)) {
      const gap = options.knownGaps?.[check.id];
      const run = () => check.run(env!);
      if (check.skip) it.skip(check.title, run);
      else if (gap) it.fails(`known gap: ${check.title} — ${gap}`, run);
      else it(check.title, run);
    }
  });
}

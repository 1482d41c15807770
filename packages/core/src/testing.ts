// The provider conformance kit: one behavioural suite that every provider runs against its
// real peer or emulator. Import from `@modelship/core/testing` inside a vitest test file.
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
  /** Refs that point at nothing on the platform: deploying them must fail with a ModelshipError. */
  missingRefs?: ProviderRefs;
  /** Refs to deploy when the provider's deploy needs more than upload's (e.g. a registered package). */
  deployRefs?: (uploaded: UploadResult) => ProviderRefs | Promise<ProviderRefs>;
}

export interface TestProviderOptions {
  /** Suite title, e.g. `sagemaker against moto`. */
  name: string;
  create: () => ProviderV1 | Promise<ProviderV1>;
  /** What the provider must declare; a declared capability is tested, an absent one is skipped visibly. */
  capabilities: ProviderCapabilities;
  fixtures: () => ProviderTestFixtures | Promise<ProviderTestFixtures>;
  /** Release whatever `fixtures` made (servers, temp dirs). */
  cleanup?: () => void | Promise<void>;
}

interface CapturedContext {
  context: ProviderContext;
  lines: string[];
}

function capturingContext(secrets: string[], signal?: AbortSignal): CapturedContext {
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

export function testProvider(options: TestProviderOptions): void {
  const caps = options.capabilities;

  describe(`provider contract v1: ${options.name}`, () => {
    let provider: ProviderV1;
    let fixtures: ProviderTestFixtures;
    let captured: CapturedContext;
    const errors: string[] = [];
    let uploaded: UploadResult | undefined;
    const model = () => ({
      name: fixtures.modelName ?? 'conformance-model',
      version: fixtures.modelVersion ?? 'v1',
    });
    const stage = () => fixtures.stage ?? 'staging';

    beforeAll(async () => {
      fixtures = await options.fixtures();
      provider = await options.create();
      captured = capturingContext(fixtures.secrets ?? []);
    });

    afterAll(async () => {
      await options.cleanup?.();
    });

    it('declares specification v1, a name and the expected capabilities', () => {
      expect(provider.specificationVersion).toBe('v1');
      expect(provider.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(provider.capabilities).toEqual(caps);
      for (const method of ['status', 'undeploy', 'describe'] as const) {
        expect(typeof provider[method] === 'function', `${method} present iff declared`).toBe(caps[method]);
      }
      const known = ['champion', 'challenger', 'approved', 'rejected'];
      for (const tag of provider.promotionTags ?? []) expect(known, 'promotionTags entry').toContain(tag);
      if (provider.promotionTags?.length) expect(caps.tag, 'promotionTags need tag').toBe(true);
    });

    it.skipIf(!caps.upload)('upload stores the model and returns its URI and refs', async () => {
      uploaded = await provider.upload(
        { model: model(), path: fixtures.modelPath, idempotencyKey: 'conformance-upload-1' },
        captured.context,
      );
      expect(uploaded.uri).toMatch(/^[a-z][a-z0-9+.-]*:\/\/|^[^\s]+@[^\s]+$/i);
      expect(typeof uploaded.skipped).toBe('boolean');
      expect(Array.isArray(uploaded.warnings)).toBe(true);
      for (const value of Object.values(uploaded.refs)) expect(typeof value).toBe('string');
    });

    it.skipIf(!caps.upload)('a retried upload returns the first result and transfers nothing', async () => {
      const again = await provider.upload(
        { model: model(), path: fixtures.modelPath, idempotencyKey: 'conformance-upload-1' },
        captured.context,
      );
      expect(again.uri).toBe(uploaded?.uri);
      expect(again.skipped).toBe(true);
    });

    it.skipIf(!caps.train)('train runs to a terminal state and reports numeric metrics', async () => {
      const result = await provider.train(
        { model: { name: model().name }, idempotencyKey: 'conformance-train-1', ...fixtures.trainInput },
        captured.context,
      );
      expect(result.runId).not.toBe('');
      expect(result.status.unified).toBe('succeeded');
      expect(typeof result.status.raw).toBe('string');
      for (const [name, value] of Object.entries(result.metrics)) {
        expect(Number.isFinite(value), `metric ${name} is a finite number`).toBe(true);
      }
    });

    it.skipIf(!caps.tag)('tag marks the version and a retry with the same key is a no-op', async () => {
      const refs = uploaded?.refs ?? {};
      const input = {
        model: model(),
        stage: stage(),
        tag: 'challenger',
        refs: fixtures.deployRefs && uploaded ? await fixtures.deployRefs(uploaded) : refs,
        idempotencyKey: 'conformance-tag-1',
      };
      const first = await provider.tag(input, captured.context);
      const second = await provider.tag(input, captured.context);
      expect(second.refs).toEqual(first.refs);
    });

    it.skipIf(!caps.deploy)('deploy reaches a deployed state, and status agrees', async () => {
      if (!uploaded) throw new Error('the upload test must run first');
      const refs = fixtures.deployRefs ? await fixtures.deployRefs(uploaded) : uploaded.refs;
      const result = await provider.deploy(
        { model: model(), stage: stage(), refs, idempotencyKey: 'conformance-deploy-1' },
        captured.context,
      );
      expect(['deployed', 'succeeded']).toContain(result.status.unified);
      if (caps.status && provider.status) {
        const status = await provider.status(
          { model: model(), stage: stage(), refs: result.refs },
          captured.context,
        );
        expect(['deployed', 'succeeded']).toContain(status.status.unified);
      }
    });

    it.skipIf(!caps.undeploy)('undeploy removes the stage deployment', async () => {
      await provider.undeploy?.(
        { model: model(), stage: stage(), idempotencyKey: 'conformance-undeploy-1' },
        captured.context,
      );
    });

    it.skipIf(!caps.abort)('an aborted signal stops a call with an `aborted` error', async () => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      const { context } = capturingContext(fixtures.secrets ?? [], controller.signal);
      const error = await provider
        .upload({ model: model(), path: fixtures.modelPath, idempotencyKey: 'conformance-abort' }, context)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(ModelshipError.isInstance(error), `expected a ModelshipError, got ${String(error)}`).toBe(true);
      expect((error as ModelshipError).code).toBe(ErrorCode.Aborted);
    });

    it.skipIf(!caps.deploy)(
      'platform errors surface as ModelshipErrors naming what was missing',
      async () => {
        const refs = fixtures.missingRefs ?? { missing: 'modelship-conformance-does-not-exist' };
        const error = await provider
          .deploy(
            { model: { name: model().name, version: 'missing' }, stage: stage(), refs },
            captured.context,
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(ModelshipError.isInstance(error), `expected a ModelshipError, got ${String(error)}`).toBe(
          true,
        );
        errors.push(String((error as Error).message));
      },
    );

    it('no configured secret appears in any log line or error message', () => {
      for (const secret of fixtures.secrets ?? []) {
        for (const text of [...captured.lines, ...errors]) expect(text).not.toContain(secret);
      }
    });
  });
}

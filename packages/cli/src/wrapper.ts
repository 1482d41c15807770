// `modelship-<provider>`: the generic wrapper around a provider's cliSpec. The spec is
// loaded lazily from `@modelship/provider-<name>/cli` (provider-loader.ts), so `--help` stays cheap.
import { resolve } from 'node:path';
import type {
  MappedStatus,
  ProviderCliSpec,
  ProviderContext,
  ProviderRefs,
  ProviderV1,
} from '@modelship/core';
import { keyValues } from './args.js';
import { trainFailure } from './commands/train-status.js';
import { describeError, exitCodeFor, exitCodeHelp, exitCodes, UsageError } from './exit-codes.js';
import { githubActions } from './github.js';
import { type CliIo, processIo } from './io.js';
import { createCliProgress } from './progress.js';
import { loadProviderCliSpec } from './provider-loader.js';
import { createProviderFromSettings } from './provider-settings.js';
import { argvToWrapperOptions, required, type WrapperInvocation, wrapperHelp } from './wrapper-args.js';

export {
  loadProviderCliSpec,
  ProviderCliUnavailableError,
  type ProviderName,
  ProviderNotInstalledError,
  providerNames,
} from './provider-loader.js';

async function cliContext(
  io: CliIo,
  values: WrapperInvocation['values'],
  secrets: string[],
): Promise<ProviderContext> {
  const { createConsoleLogger, createProviderContext } = await import('@modelship/core');
  const logger = createConsoleLogger({
    level: values.verbose ? 'debug' : 'info',
    write: (line) => io.stderr.write(`${line}\n`),
  });
  return createProviderContext({ logger, secrets, progress: createCliProgress(io.stderr) });
}

/** `providers.<name>` of the modelship.config found from --config or the working directory. */
async function providerConfig(
  name: string,
  values: WrapperInvocation['values'],
  io: CliIo,
): Promise<{ settings: Record<string, unknown>; path: string } | undefined> {
  const { loadConfig } = await import('@modelship/core');
  const target = typeof values.config === 'string' ? resolve(io.cwd, values.config) : io.cwd;
  const { config, path } = await loadConfig(target);
  const settings = config.providers[name];
  return settings && path ? { settings, path } : undefined;
}

function refsOf(values: WrapperInvocation['values']): ProviderRefs {
  return Object.fromEntries(Object.entries(keyValues(values.ref, 'ref')).map(([k, v]) => [k, String(v)]));
}

async function runVerb(
  provider: ProviderV1,
  invocation: WrapperInvocation,
  values: WrapperInvocation['values'],
  context: ProviderContext,
  spec: ProviderCliSpec,
  settings: Record<string, unknown>,
): Promise<unknown> {
  const verb = invocation.verb!;
  const idempotencyKey = values['idempotency-key'] as string | undefined;
  const version = values.version as string | undefined;
  switch (verb) {
    case 'upload': {
      const path = invocation.positionals[0] ?? (values.path as string | undefined);
      if (!path) throw new UsageError('upload: pass the model path (`upload <path>` or --path)');
      const metadata = Object.fromEntries(
        Object.entries(keyValues(values.metadata, 'metadata')).map(([k, v]) => [k, String(v)]),
      );
      return provider.upload(
        {
          model: { name: required(values, 'model', verb), version },
          path,
          manifestDigest: values['manifest-digest'] as string | undefined,
          metadata,
          idempotencyKey,
        },
        context,
      );
    }
    case 'train': {
      const options: Record<string, unknown> = keyValues(values.option, 'option');
      if (invocation.tail.length > 0) {
        options.command = invocation.tail[0];
        options.args = invocation.tail.slice(1);
      }
      return provider.train(
        {
          model: { name: required(values, 'model', verb) },
          params: keyValues(values.param, 'param'),
          tags: (values.tag as string[] | undefined) ?? [],
          options,
          idempotencyKey,
        },
        context,
      );
    }
    case 'tag': {
      const tags = (values.tag as string[] | undefined) ?? [];
      if (tags.length !== 1) throw new UsageError('tag: pass exactly one --tag');
      const by = values.by as string | undefined;
      return provider.tag(
        {
          model: { name: required(values, 'model', verb), version: required(values, 'version', verb) },
          stage: required(values, 'stage', verb),
          tag: tags[0]!,
          action: values.remove ? 'remove' : 'add',
          refs: refsOf(values),
          ...(by ? { approval: { by, reason: values.reason as string | undefined } } : {}),
          idempotencyKey,
        },
        context,
      );
    }
    case 'deploy':
      return provider.deploy(
        {
          model: { name: required(values, 'model', verb), version: required(values, 'version', verb) },
          stage: required(values, 'stage', verb),
          refs: refsOf(values),
          rollback: values.rollback === true,
          idempotencyKey,
        },
        context,
      );
    case 'status':
      if (!provider.status) throw new UsageError(`the ${provider.name} provider has no status`);
      return provider.status(
        {
          model: { name: required(values, 'model', verb), version },
          stage: values.stage as string | undefined,
          refs: refsOf(values),
        },
        context,
      );
    default: {
      const command = spec.commands?.[verb];
      if (!command) throw new UsageError(`unknown command "${verb}"`);
      return command.run({ provider, positionals: invocation.positionals, values, settings, context });
    }
  }
}

function summarize(verb: string, result: unknown): string {
  const r = result as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') return `${verb}: done`;
  const parts: string[] = [];
  if (typeof r.uri === 'string') parts.push(`uri ${r.uri}${r.skipped ? ' (already stored)' : ''}`);
  if (typeof r.runId === 'string') parts.push(`run ${r.runId}`);
  const status = r.status as { unified?: string; raw?: string } | undefined;
  if (status?.unified) parts.push(`status ${status.unified}${status.raw ? ` (${status.raw})` : ''}`);
  if (typeof r.endpoint === 'string') parts.push(`endpoint ${r.endpoint}`);
  if (r.metrics && typeof r.metrics === 'object') parts.push(`metrics ${JSON.stringify(r.metrics)}`);
  if (typeof r.artifact === 'string') parts.push(`artifact ${r.artifact}`);
  if (typeof r.manifestDigest === 'string') parts.push(`manifest ${r.manifestDigest}`);
  const lines = [`${verb}: ${parts.length ? parts.join(', ') : 'done'}`];
  const refs = r.refs as Record<string, string> | undefined;
  if (refs && Object.keys(refs).length)
    lines.push(...Object.entries(refs).map(([k, v]) => `  ref ${k}=${v}`));
  for (const warning of (r.warnings as Array<{ message: string }> | undefined) ?? [])
    lines.push(`  warning: ${warning.message}`);
  if (parts.length === 0 && lines.length === 1) return `${verb}: ${JSON.stringify(r)}`;
  return lines.join('\n');
}

/** Runs `modelship-<spec.name> <argv>` and resolves the exit code (see exitCodes). */
export async function runProviderCli(
  spec: ProviderCliSpec,
  argv: readonly string[],
  io: CliIo = processIo(),
): Promise<number> {
  let json = argv.includes('--json');
  const gha = githubActions(io, json);
  let secrets: string[] = [];
  const hide = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  try {
    const invocation = argvToWrapperOptions(spec, argv);
    json = invocation.json;
    if (invocation.help) {
      io.stdout.write(`${wrapperHelp(spec)}\n\n${exitCodeHelp}\n`);
      return exitCodes.ok;
    }
    // Secret values are known before anything can fail, so even a failing create is redacted.
    const onSecrets = (found: string[]) => {
      secrets = found.filter((secret) => secret.length >= 4);
    };
    const { values } = invocation;
    const config = await providerConfig(spec.name, values, io);
    const { provider, settings } = await createProviderFromSettings(spec, {
      flags: values,
      env: io.env,
      cwd: io.cwd,
      config,
      onSecrets,
    });
    const context = await cliContext(io, values, secrets);
    const result = await runVerb(provider, invocation, values, context, spec, settings);
    const text = json ? JSON.stringify(result, null, 2) : summarize(invocation.verb!, result);
    io.stdout.write(`${context.redact(text)}\n`);
    if (gha) {
      const r = (result ?? {}) as Record<string, unknown>;
      const refs = (r.refs ?? {}) as Record<string, string>;
      gha.setOutputs({
        status: (r.status as { unified?: string } | undefined)?.unified ?? 'done',
        version: values.version as string | undefined,
        stage: values.stage as string | undefined,
        'manifest-digest': (r.manifestDigest as string | undefined) ?? refs.manifestDigest,
        refs: context.redact(JSON.stringify(refs)),
        ...Object.fromEntries(Object.entries(refs).map(([k, v]) => [`ref-${k}`, context.redact(v)])),
      });
    }
    const r = (result ?? {}) as { runId?: string; status?: MappedStatus };
    const failure =
      invocation.verb === 'train' && r.status
        ? trainFailure(String(values.model), r.runId ?? '', r.status)
        : undefined;
    if (failure) {
      io.stderr.write(`modelship-${spec.name}: ${context.redact(failure)}\n`);
      gha?.error(context.redact(failure), `modelship-${spec.name}`);
      return exitCodes.failed;
    }
    return exitCodes.ok;
  } catch (error) {
    const exit = exitCodeFor(error);
    const described = describeError(error);
    described.message = hide(described.message);
    if (described.details !== undefined)
      described.details = JSON.parse(hide(JSON.stringify(described.details)));
    if (json)
      io.stdout.write(`${JSON.stringify({ ok: false, exitCode: exit, error: described }, null, 2)}\n`);
    io.stderr.write(`modelship-${spec.name}: error [${described.code}]: ${described.message}\n`);
    gha?.error(described.message, `modelship-${spec.name}`);
    return exit;
  }
}

/** The body of every `bin/modelship-<name>.js`: fast help, then the provider's spec, lazily. */
export async function runWrapper(
  name: string,
  argv: readonly string[],
  io: CliIo = processIo(),
): Promise<number> {
  let spec: ProviderCliSpec;
  try {
    spec = await loadProviderCliSpec(name);
  } catch (error) {
    io.stderr.write(`modelship-${name}: ${(error as Error).message}\n`);
    if (argv.includes('--json'))
      io.stdout.write(
        `${JSON.stringify({ ok: false, exitCode: 2, error: describeError(error) }, null, 2)}\n`,
      );
    return exitCodes.usage;
  }
  return runProviderCli(spec, argv, io);
}

// Opens what a command works on: the config, the ledger (directory or S3), the provider and a
// Promoter. Imported only by commands that need them, so `--help` never loads core.
import { resolve } from 'node:path';
import type { Ledger, ModelshipConfig, Promoter, ProviderContext, ProviderV1 } from '@modelship/core';
import type { ParsedCommand } from '../args.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { ledgerTrust } from '../ledger-trust.js';
import { createCliProgress } from '../progress.js';
import { loadProviderCliSpec } from '../provider-loader.js';
import { createProviderFromSettings } from '../provider-settings.js';

export interface Workspace {
  config: ModelshipConfig;
  configPath: string | undefined;
  ledger: Ledger;
  ledgerLocation: string;
  context: ProviderContext;
  provider: ProviderV1 | undefined;
  promoter: Promoter;
  env: Record<string, string | undefined>;
}

export async function cliContext(io: CliIo): Promise<ProviderContext> {
  const { createConsoleLogger, createProviderContext } = await import('@modelship/core');
  const level = io.env.MODELSHIP_LOG_LEVEL === 'debug' ? 'debug' : 'info';
  const logger = createConsoleLogger({ level, write: (line) => io.stderr.write(`${line}\n`) });
  return createProviderContext({
    logger,
    progress: createCliProgress(io.stderr),
    ...(io.redact ? { redact: io.redact } : {}),
  });
}

function parseS3(location: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match?.[1]) throw new UsageError(`--ledger ${location} is not s3://bucket/prefix`);
  return { bucket: match[1], prefix: match[2] ?? '' };
}

async function openLedger(
  command: ParsedCommand,
  config: ModelshipConfig,
  io: CliIo,
): Promise<{ ledger: Ledger; location: string }> {
  const core = await import('@modelship/core');
  const flag = command.ledger;
  const s3 = flag?.startsWith('s3://')
    ? { ...parseS3(flag), region: undefined, endpoint: undefined }
    : !flag && config.ledger.type === 's3'
      ? config.ledger
      : undefined;
  if (s3) {
    const endpoint = s3.endpoint ?? io.env.AWS_ENDPOINT_URL_S3 ?? io.env.AWS_ENDPOINT_URL;
    const region = s3.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    // Its own subpath: only an S3 ledger loads (and needs) @aws-sdk/client-s3.
    const { createS3Ledger } = await import('@modelship/core/ledger-s3');
    const ledger = createS3Ledger({
      trust: await ledgerTrust(config, io),
      bucket: s3.bucket,
      prefix: s3.prefix,
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
    return { ledger, location: `s3://${s3.bucket}/${s3.prefix}` };
  }
  const dir = resolve(io.cwd, flag ?? (config.ledger.type === 'file' ? config.ledger.dir : '.modelship'));
  return { ledger: core.openFileLedger(dir, { trust: await ledgerTrust(config, io) }), location: dir };
}

/** Picks the provider: --provider, else the model's own, else the only one configured, else local. */
export function providerName(command: ParsedCommand, config: ModelshipConfig): string {
  if (command.provider) return command.provider;
  const model = command.args.model;
  const own = model ? config.models[model]?.provider : undefined;
  if (own) return own;
  const configured = Object.keys(config.providers);
  return configured.length === 1 ? configured[0]! : 'local';
}

/**
 * The provider `modelship` works with, from the same settings as `modelship-<name>` reads:
 * environment, then `providers.<name>` of the config (see provider-settings.ts).
 */
export async function createProvider(
  name: string,
  config: ModelshipConfig,
  io: CliIo,
  configPath: string | undefined,
): Promise<ProviderV1> {
  const settings = config.providers[name];
  const spec = await loadProviderCliSpec(name);
  const fromConfig = settings && { settings, path: configPath ?? 'modelship.config' };
  const created = await createProviderFromSettings(spec, { env: io.env, cwd: io.cwd, config: fromConfig });
  return created.provider;
}

/**
 * The provider when one is named (--provider) or configured, for commands that work without one
 * (`status` records what a registry decided through it); one that cannot be created is skipped.
 */
async function configuredProvider(
  command: ParsedCommand,
  config: ModelshipConfig,
  io: CliIo,
  configPath: string | undefined,
  context: ProviderContext,
): Promise<ProviderV1 | undefined> {
  const name = providerName(command, config);
  if (!command.provider && !config.providers[name]) return undefined;
  try {
    return await createProvider(name, config, io, configPath);
  } catch (error) {
    context.logger.warn(
      context.redact(`provider ${name} not opened (${(error as Error).message}); showing the ledger only`),
    );
    return undefined;
  }
}

// Notifications are delivered in the background; the process must not exit before they are.
const openPromoters = new Set<Promoter>();

/** Waits for every notification of the promoters this process opened (failures are logged, never thrown). */
export async function flushOpenWorkspaces(): Promise<void> {
  await Promise.all([...openPromoters].map((promoter) => promoter.flush()));
  openPromoters.clear();
}

export async function openWorkspace(
  command: ParsedCommand,
  io: CliIo,
  options: { provider: boolean | 'if-configured' },
): Promise<Workspace> {
  const core = await import('@modelship/core');
  const { config, path } = await core.loadConfig(command.config ? resolve(io.cwd, command.config) : io.cwd);
  const { ledger, location } = await openLedger(command, config, io);
  const context = await cliContext(io);
  for (const secret of core.secretsNamedByConfig(config, io.env)) context.redact.add(secret);
  const provider =
    options.provider === 'if-configured'
      ? await configuredProvider(command, config, io, path, context)
      : options.provider
        ? await createProvider(providerName(command, config), config, io, path)
        : undefined;
  const notifiers = core.createNotifiers(config.notifiers, { env: io.env, redact: context.redact });
  const promoter = core.createPromoter({
    config,
    ledger,
    provider,
    context,
    env: io.env,
    notifiers,
    cwd: io.cwd,
  });
  openPromoters.add(promoter);
  return {
    config,
    configPath: path,
    ledger,
    ledgerLocation: location,
    context,
    provider,
    promoter,
    env: io.env,
  };
}

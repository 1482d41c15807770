// The I/O around signed approvals (the checks themselves are in ledger/approval-signature.ts):
// reading a stage's allowed_signers, building what an approver signs at the current head, and
// refusing an approval whose signature is missing or does not hold before anything is recorded.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { approvalPolicyFor } from '../config/load.js';
import type { ApprovalPolicy, ModelshipConfig } from '../config/schema.js';
import { InvalidInputError } from '../contract/errors.js';
import { parseAllowedSigners } from '../ledger/allowed-signers.js';
import {
  type ApprovalPayload,
  approvalMessage,
  approvalNamespace,
  approvalPayload,
  checkApprovalSignature,
  type StageSigners,
} from '../ledger/approval-signature.js';
import type { ApprovalSignature } from '../ledger/events.js';
import type { LoadedState } from '../ledger/ledger.js';
import { readSshPrivateKey, signSshSig } from '../ledger/sshsig.js';
import type { LedgerState } from '../state/types.js';
import { lookup } from './decisions/guards.js';
import type { PromoterRuntime } from './runtime.js';
import type { ApproveInput } from './types.js';

/** Reads and parses the allowed_signers file a stage's approvals name (`where` is the config key). */
export async function readStageSigners(path: string, cwd: string, where: string): Promise<StageSigners> {
  const file = resolve(cwd, path);
  const source = `${where}: ${file}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InvalidInputError(`${source}: ${why}; point it at an OpenSSH allowed_signers file`);
  }
  try {
    return { signers: parseAllowedSigners(text, source), source };
  } catch (error) {
    throw new InvalidInputError((error as Error).message);
  }
}

const policyKey = (config: ModelshipConfig, model: string, stage: string) =>
  config.models[model]?.approvals?.[stage] ? `models.${model}.approvals.${stage}` : `approvals.${stage}`;

/** The signers a stage requires for `model`, read when asked; none when its policy names no file. */
export function stageSignersReader(config: ModelshipConfig, cwd: string) {
  const cache = new Map<string, Promise<StageSigners>>();
  return (model: string, stage: string, policy?: ApprovalPolicy): Promise<StageSigners> | undefined => {
    const path = (policy ?? approvalPolicyFor(config, model, stage))?.allowedSigners;
    if (!path) return undefined;
    const where = `${policyKey(config, model, stage)}.allowedSigners`;
    const key = `${where}\u0000${path}`;
    if (!cache.has(key)) cache.set(key, readStageSigners(path, cwd, where));
    return cache.get(key);
  };
}

/**
 * For `ledger verify`: every configured stage's signers, read up front so the check itself stays
 * synchronous; `(model, stage)` then answers from them.
 */
export async function approvalSignersFor(
  config: ModelshipConfig,
  cwd: string,
): Promise<(model: string, stage: string) => StageSigners | undefined> {
  const read = stageSignersReader(config, cwd);
  const loaded = new Map<string, StageSigners>();
  const models = ['', ...Object.keys(config.models)];
  for (const model of models)
    for (const stage of config.stages) {
      const signers = await read(model, stage);
      if (signers) loaded.set(`${model}\u0000${stage}`, signers);
    }
  return (model, stage) => {
    const own = config.models[model]?.approvals?.[stage];
    return own ? loaded.get(`${model}\u0000${stage}`) : loaded.get(`\u0000${stage}`);
  };
}

/** What `input.by` signs to approve at `head`. */
export function payloadAt(
  state: LedgerState,
  head: { seq: number; hash: string | null },
  input: Pick<ApproveInput, 'model' | 'version' | 'stage' | 'by'>,
): ApprovalPayload {
  const version = lookup(state, input.model, input.version);
  if (!head.hash) throw new InvalidInputError('the ledger is empty: there is nothing to approve');
  return approvalPayload({
    model: input.model,
    version: input.version,
    stage: input.stage,
    approver: input.by,
    manifestDigest: version.manifestDigest ?? null,
    ledgerHead: { seq: head.seq, hash: head.hash },
  });
}

/** Signs `payload` with an SSH private key (file text); `source` names the key in errors. */
export function signApproval(
  payload: ApprovalPayload,
  key: { text: string; source: string; passphrase?: string },
): ApprovalSignature {
  let signer: ReturnType<typeof readSshPrivateKey>;
  try {
    signer = readSshPrivateKey(key.text, key.source, key.passphrase);
  } catch (error) {
    throw new InvalidInputError((error as Error).message);
  }
  return {
    head: payload.ledgerHead,
    sshsig: signSshSig(signer, approvalMessage(payload), approvalNamespace),
    key: signer.fingerprint,
  };
}

async function hashAt(runtime: PromoterRuntime, loaded: LoadedState, seq: number): Promise<string | null> {
  if (seq === loaded.head.seq) return loaded.head.hash;
  if (seq < 1 || seq > loaded.head.seq) return null;
  const [event] = await runtime.ledger.read({ fromSeq: seq });
  return event?.seq === seq ? event.hash : null;
}

/**
 * Refuses (exit 2) an approval the stage wants signed that is not, or whose signature does not hold
 * over this version, this approver and a head on this ledger. A signature on a stage without
 * signers is still checked, so nothing false is recorded.
 */
export async function assertSignedApproval(
  runtime: PromoterRuntime,
  input: ApproveInput,
  policy: ApprovalPolicy | undefined,
  loaded: LoadedState,
): Promise<void> {
  const signers = await stageSignersReader(runtime.config, runtime.options.cwd ?? process.cwd())(
    input.model,
    input.stage,
    policy,
  );
  const what = `approve ${input.model} ${input.version} for ${input.stage} by ${input.by}`;
  if (!input.signature) {
    if (!signers) return;
    throw new InvalidInputError(
      `${what}: the stage takes only signed approvals (${signers.source}); run \`modelship approve … --sign-key ~/.ssh/id_ed25519\` with a key listed there for ${input.by}`,
    );
  }
  const head = input.signature.head;
  if ((await hashAt(runtime, loaded, head.seq)) !== head.hash)
    throw new InvalidInputError(
      `${what}: the signature covers ledger head ${head.seq}:${head.hash}, which is not on this ledger; sign again`,
    );
  const checked = checkApprovalSignature({
    payload: payloadAt(loaded.state, head, input),
    signature: input.signature,
    signers,
    at: new Date(runtime.now()),
  });
  if (!checked.ok) throw new InvalidInputError(`${what}: ${checked.reason}; the approval was not recorded`);
}

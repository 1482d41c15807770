// Signed approvals: an approver signs, with their SSH key, the statement "<approver> approves
// <model> <version> (this manifest digest) for <stage>, having seen the ledger up to <head>". The
// signature travels in the approval.granted event; the stage's allowed_signers says whose key
// counts. Checked when the approval is recorded and again by `ledger verify`. SPEC.md, "Signed approvals".
import { canonicalJson } from '@modelship/manifest/verify';
import { type AllowedSigner, findAllowedSigner } from './allowed-signers.js';
import type { LedgerProblem } from './errors.js';
import {
  type ApprovalSignature,
  approvalSignatureSchema,
  isKnownEvent,
  type KnownLedgerEvent,
  type LedgerEvent,
} from './events.js';
import { verifySshSig } from './sshsig.js';

/** The SSH signature namespace (`ssh-keygen -Y sign -n modelship-approval`). */
export const approvalNamespace = 'modelship-approval';
export const approvalPayloadSchemaId = 'modelship.approval/v1';

export interface ApprovalPayload {
  schema: typeof approvalPayloadSchemaId;
  model: string;
  version: string;
  stage: string;
  approver: string;
  /** The version's manifest digest, or null when it was registered without one. */
  manifestDigest: string | null;
  ledgerHead: { seq: number; hash: string };
}

export function approvalPayload(fields: Omit<ApprovalPayload, 'schema'>): ApprovalPayload {
  return {
    schema: approvalPayloadSchemaId,
    model: fields.model,
    version: fields.version,
    stage: fields.stage,
    approver: fields.approver,
    manifestDigest: fields.manifestDigest,
    ledgerHead: { seq: fields.ledgerHead.seq, hash: fields.ledgerHead.hash },
  };
}

/** The exact bytes signed: the payload's canonical JSON and one newline (so `> file` keeps it whole). */
export const approvalMessage = (payload: ApprovalPayload) => `${canonicalJson(payload)}\n`;

/** Whose keys count in a stage: the parsed allowed_signers and where it came from, for messages. */
export interface StageSigners {
  signers: readonly AllowedSigner[];
  source: string;
}

export type ApprovalSignatureCheck = { ok: true; fingerprint: string } | { ok: false; reason: string };

/** The signature proper over `payload`, then (with `signers`) that the key may sign as the approver. */
export function checkApprovalSignature(input: {
  payload: ApprovalPayload;
  signature: ApprovalSignature;
  signers: StageSigners | undefined;
  at: Date;
}): ApprovalSignatureCheck {
  const checked = verifySshSig(input.signature.sshsig, approvalMessage(input.payload), approvalNamespace);
  if (!checked.ok) return checked;
  if (!input.signers) return { ok: true, fingerprint: checked.fingerprint };
  const found = findAllowedSigner(input.signers.signers, {
    principal: input.payload.approver,
    publicKey: checked.publicKey,
    namespace: approvalNamespace,
    at: input.at,
  });
  if (!found.ok) return { ok: false, reason: `${found.reason} (${input.signers.source})` };
  return { ok: true, fingerprint: checked.fingerprint };
}

/**
 * Every `approval.granted` in `events`: a signature present must hold (over the version's digest
 * and a head earlier on this chain), and a stage with signers must have one from an allowed key.
 */
export function checkApprovalSignatures(
  events: readonly LedgerEvent[],
  signersFor: (model: string, stage: string) => StageSigners | undefined,
): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const hashes = new Map<number, string>();
  const digests = new Map<string, string | null>();
  for (const stored of events) {
    hashes.set(stored.seq, stored.hash);
    if (!isKnownEvent(stored)) continue;
    // isKnownEvent cannot narrow a union whose loose foreign member also fits every known event.
    const event = stored as KnownLedgerEvent;
    if (event.type === 'version.registered') {
      const record = event.data.record;
      digests.set(`${record.model}\u0000${record.id}`, record.manifestDigest ?? null);
    }
    if (event.type === 'approval.granted' && event.version && event.stage) {
      const problem = approvalProblem(event, hashes, digests, signersFor(event.model, event.stage));
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

function approvalProblem(
  event: Extract<KnownLedgerEvent, { type: 'approval.granted' }>,
  hashes: ReadonlyMap<number, string>,
  digests: ReadonlyMap<string, string | null>,
  signers: StageSigners | undefined,
): LedgerProblem | undefined {
  const name = `event ${event.seq} (${event.id}, approval.granted)`;
  const what = `${event.by ?? '(nobody)'}'s approval of ${event.model} ${event.version} for ${event.stage}`;
  const parsed = approvalSignatureSchema.safeParse(event.data.signature);
  const at = { seq: event.seq, id: event.id };
  if (event.data.signature === undefined) {
    if (!signers) return undefined;
    return {
      ...at,
      kind: 'unsigned',
      message: `${name}: ${what} is not signed, but ${signers.source} requires a signature`,
    };
  }
  if (!parsed.success)
    return { ...at, kind: 'forged', message: `${name}: ${what} carries a malformed signature` };
  const head = parsed.data.head;
  if (head.seq >= event.seq || hashes.get(head.seq) !== head.hash)
    return {
      ...at,
      kind: 'forged',
      message: `${name}: ${what} was signed over ledger head ${head.seq}:${head.hash}, which is not an earlier event of this ledger`,
    };
  const payload = approvalPayload({
    model: event.model,
    version: event.version as string,
    stage: event.stage as string,
    approver: event.by ?? '',
    manifestDigest: digests.get(`${event.model}\u0000${event.version}`) ?? null,
    ledgerHead: head,
  });
  const checked = checkApprovalSignature({
    payload,
    signature: parsed.data,
    signers,
    at: new Date(event.at),
  });
  return checked.ok ? undefined : { ...at, kind: 'forged', message: `${name}: ${what}: ${checked.reason}` };
}

// `approve --sign-key | --signature | --print-payload`: the approver's SSH signature over what they
// approve (core: signed-approval.ts; SPEC.md, "Signed approvals"). The key file and its passphrase
// are read here and never printed.
import { resolve } from 'node:path';
import type { ApprovalPayload, ApprovalSignature, Promoter } from '@modelship/core';
import type { ParsedCommand } from './args.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { readKeyFile } from './ledger-trust.js';

type Who = { model: string; version: string; stage: string; by: string };

/** The payload next to `ssh-keygen -Y sign`'s `<payload>.sig`, checked to be about this approval. */
async function signedPayload(sigFile: string, who: Who, io: CliIo): Promise<ApprovalPayload> {
  if (!sigFile.endsWith('.sig'))
    throw new UsageError(
      `--signature ${sigFile}: expected the .sig file \`ssh-keygen -Y sign -n modelship-approval FILE\` wrote next to the payload FILE`,
    );
  const file = sigFile.slice(0, -'.sig'.length);
  const text = await readKeyFile(file, '--signature: the signed payload', io);
  let payload: ApprovalPayload;
  try {
    payload = JSON.parse(text) as ApprovalPayload;
  } catch {
    throw new UsageError(
      `${resolve(io.cwd, file)} is not the JSON \`modelship approve … --print-payload\` printed`,
    );
  }
  const expected = { model: who.model, version: who.version, stage: who.stage, approver: who.by };
  for (const [field, value] of Object.entries(expected)) {
    if (payload[field as keyof ApprovalPayload] !== value)
      throw new UsageError(
        `${resolve(io.cwd, file)} approves ${field} ${JSON.stringify(payload[field as keyof ApprovalPayload])}, not ${JSON.stringify(value)}; print and sign the payload of this approval`,
      );
  }
  if (typeof payload.ledgerHead?.seq !== 'number' || typeof payload.ledgerHead.hash !== 'string')
    throw new UsageError(`${resolve(io.cwd, file)} has no ledgerHead; print the payload again`);
  return payload;
}

/** The signature to record with this approval, if one was asked for. */
export async function approvalSignature(
  command: ParsedCommand,
  io: CliIo,
  promoter: Promoter,
  who: Who,
): Promise<ApprovalSignature | undefined> {
  const keyFile = command.values['sign-key'] as string | undefined;
  const sigFile = command.values.signature as string | undefined;
  if (keyFile && sigFile) throw new UsageError('give --sign-key or --signature, not both');
  if (sigFile) {
    const sshsig = await readKeyFile(sigFile, '--signature', io);
    const payload = await signedPayload(sigFile, who, io);
    return { head: payload.ledgerHead, sshsig: sshsig.trim() };
  }
  if (!keyFile) return undefined;
  const { signApproval } = await import('@modelship/core');
  const text = await readKeyFile(keyFile, '--sign-key', io);
  const passphrase = io.env.MODELSHIP_SIGN_KEY_PASSPHRASE;
  if (passphrase) io.redact?.add(passphrase);
  const payload = await promoter.approvalPayload(who);
  return signApproval(payload, {
    text,
    source: `--sign-key ${resolve(io.cwd, keyFile)}`,
    ...(passphrase ? { passphrase } : {}),
  });
}

// A ledger built on a tiny storage interface: numbered batch files that can only be created once,
// plus a snapshot. FileLedger, S3Ledger and the in-memory ledger differ only in their store.
import { canonicalJson } from '@modelship/manifest/verify';
import { createReplayer, replay } from '../state/reducer.js';
import { emptyState, type LedgerState } from '../state/types.js';
import { checkApprovalSignatures } from './approval-signature.js';
import { checkCheckpoint } from './checkpoint.js';
import type { LedgerProblem } from './errors.js';
import { chainEvents, type LedgerEvent, type LedgerEventInput, type LedgerHead } from './events.js';
import type {
  AppendOptions,
  AppendResult,
  Ledger,
  LedgerVerifyOptions,
  LedgerVerifyResult,
  LoadedState,
} from './ledger.js';
import {
  checkBatchSignatures,
  createLedgerSigner,
  type LedgerSigner,
  parseLedgerPublicKey,
  signatureLine,
  splitBatch,
} from './signing.js';
import { type SnapshotSeal, sealSnapshot, snapshotMatchesChain } from './snapshot-trust.js';
import { checkChain, parseBatch } from './verify.js';

/** Bump when the shape of LedgerState changes: older snapshots are then ignored and rebuilt. */
export const snapshotFormat = 'modelship.ledger.snapshot/v1';

export interface Snapshot extends SnapshotSeal {
  schema: string;
  seq: number;
  hash: string | null;
  state: LedgerState;
}

export interface BatchStore {
  /** The raw text of the batch whose first event has `firstSeq`, or null if there is none. */
  readBatch(firstSeq: number): Promise<string | null>;
  /** Creates the batch only if no batch with that first seq exists; false when it already did. */
  createBatch(firstSeq: number, text: string): Promise<boolean>;
  /** First seqs of every stored batch, in any order. */
  listBatches(): Promise<number[]>;
  readSnapshot(): Promise<Snapshot | null>;
  /** Best effort: a snapshot that cannot be written only makes the next read slower. */
  writeSnapshot(snapshot: Snapshot, options?: { replace?: boolean }): Promise<void>;
  /** Serialises appends where the store can (an inter-process lock); others rely on createBatch. */
  withAppendLock<T>(fn: () => Promise<T>): Promise<T>;
}

export function formatBatch(events: readonly LedgerEvent[], signer?: LedgerSigner): string {
  const lines = events.map((event) => JSON.stringify(event));
  if (signer) lines.push(signatureLine(signer, events));
  return `${lines.join('\n')}\n`;
}

/** Keys that make the ledger forgery-evident (SPEC.md, threat model). */
export interface LedgerTrust {
  /** Ed25519 private key (PEM): every batch written is signed. */
  signingKey?: string;
  /** Ed25519 public key (PEM): snapshots and `verify()` must carry its signatures. */
  publicKey?: string;
}

export class StoreLedger implements Ledger {
  protected readonly signer: LedgerSigner | undefined;
  protected readonly publicKey: string | undefined;

  constructor(
    readonly kind: Ledger['kind'],
    protected readonly store: BatchStore,
    trust: LedgerTrust = {},
  ) {
    this.signer = trust.signingKey ? createLedgerSigner(trust.signingKey) : undefined;
    this.publicKey =
      trust.publicKey ??
      (this.signer?.publicKey.export({ type: 'spki', format: 'pem' }) as string | undefined);
  }

  /** The stored snapshot if it matches the chain (snapshot-trust.ts); a snapshot never decides alone. */
  private async usableSnapshot(): Promise<{ snapshot: Snapshot | null; stored: boolean }> {
    const snapshot = await this.store.readSnapshot().catch(() => null);
    if (!snapshot) return { snapshot: null, stored: false };
    const trusted =
      snapshot.schema === snapshotFormat &&
      (await snapshotMatchesChain(snapshot, (seq) => this.store.readBatch(seq), this.publicKey));
    return { snapshot: trusted ? snapshot : null, stored: true };
  }

  /** Follows batches forward from `state` to the true head; `batch` is the first seq of the last batch read. */
  private async forward(state: LedgerState, batch?: number): Promise<{ state: LedgerState; batch?: number }> {
    // One replayer for the whole walk: a replay per batch would copy the state once per batch.
    const replayer = createReplayer(state);
    let last = batch;
    for (;;) {
      const text = await this.store.readBatch(replayer.state.seq + 1);
      if (text === null) return { state: replayer.state, batch: last };
      last = replayer.state.seq + 1;
      for (const event of parseBatch(text, last)) replayer.apply(event);
    }
  }

  async load(): Promise<LoadedState> {
    const { snapshot, stored } = await this.usableSnapshot();
    const forwarded = await this.forward(snapshot?.state ?? emptyState, snapshot?.batch).catch(
      async (error) => {
        if (!snapshot) throw error;
        return this.forward(emptyState);
      },
    );
    let state = forwarded.state;
    // A snapshot that was ignored (edited, stale format, not on the chain) is rebuilt.
    if (state.seq > 0 && (!snapshot || state.seq > snapshot.seq)) {
      await this.saveSnapshot(state, forwarded.batch, !snapshot && stored);
    }
    state = { ...state };
    return { state, head: { seq: state.seq, hash: state.hash } };
  }

  private saveSnapshot(state: LedgerState, batch: number | undefined, replace = false): Promise<void> {
    const seal = sealSnapshot(state, batch, this.signer);
    return this.store
      .writeSnapshot(
        { schema: snapshotFormat, seq: state.seq, hash: state.hash, state, ...seal },
        { replace },
      )
      .catch(() => undefined);
  }

  async append(inputs: readonly LedgerEventInput[], options: AppendOptions): Promise<AppendResult> {
    if (inputs.length === 0) return { ok: true, events: [], head: options.expectedHead };
    return this.store.withAppendLock(async () => {
      const { head, state } = await this.load();
      if (head.seq !== options.expectedHead.seq || head.hash !== options.expectedHead.hash) {
        return { ok: false as const, conflict: true as const, head };
      }
      const events = chainEvents(inputs, head);
      // Replaying validates the batch against the state before it is written, and gives the next snapshot.
      const next = replay(events, state);
      const text = formatBatch(events, this.signer);
      // A write can succeed while its response is lost (a retried request then sees 412): if the
      // batch now stored is byte-for-byte ours, it was ours.
      const created =
        (await this.store.createBatch(head.seq + 1, text)) ||
        (await this.store.readBatch(head.seq + 1)) === text;
      const last = events[events.length - 1] as LedgerEvent;
      const newHead = { seq: last.seq, hash: last.hash };
      if (!created) {
        const { head: now } = await this.load();
        return { ok: false as const, conflict: true as const, head: now };
      }
      await this.saveSnapshot(next, head.seq + 1);
      return { ok: true as const, events, head: newHead };
    });
  }

  async read(options: { fromSeq?: number } = {}): Promise<LedgerEvent[]> {
    const from = options.fromSeq ?? 1;
    const events: LedgerEvent[] = [];
    let seq = 1;
    for (;;) {
      const text = await this.store.readBatch(seq);
      if (text === null) break;
      const batch = parseBatch(text, seq);
      for (const event of batch) if (event.seq >= from) events.push(event);
      seq += batch.length;
    }
    return events;
  }

  /** First seqs of every stored batch, ascending: lets a reader start in the middle of the chain. */
  async batchStarts(): Promise<number[]> {
    return (await this.store.listBatches()).sort((a, b) => a - b);
  }

  /** The batch starting at `firstSeq`: its events (hashes checked), its text, and its signature's key id if any. */
  async readBatchAt(
    firstSeq: number,
  ): Promise<{ events: LedgerEvent[]; text: string; signedBy?: string } | null> {
    const text = await this.store.readBatch(firstSeq);
    if (text === null) return null;
    const keyId = splitBatch(text).signature?.keyId;
    return { events: parseBatch(text, firstSeq), text, ...(keyId ? { signedBy: keyId } : {}) };
  }

  /** The raw text of the batch starting at `firstSeq` (unchecked), or null. */
  readBatchText(firstSeq: number): Promise<string | null> {
    return this.store.readBatch(firstSeq);
  }

  /** Seq and hash of a batch's last event, from its text alone: where a cache checks it is still on the chain. */
  async batchTail(firstSeq: number): Promise<{ seq: number; hash: string } | null> {
    const text = await this.store.readBatch(firstSeq);
    const last = text === null ? undefined : splitBatch(text).lines.at(-1);
    if (last === undefined) return null;
    try {
      const { seq, hash } = JSON.parse(last) as { seq?: unknown; hash?: unknown };
      return typeof seq === 'number' && typeof hash === 'string' ? { seq, hash } : null;
    } catch {
      return null;
    }
  }

  async verify(options: LedgerVerifyOptions = {}): Promise<LedgerVerifyResult> {
    const firstSeqs = (await this.store.listBatches()).sort((a, b) => a - b);
    const batches: { firstSeq: number; text: string | null }[] = [];
    for (const firstSeq of firstSeqs) batches.push({ firstSeq, text: await this.store.readBatch(firstSeq) });
    // verify compares whatever snapshot is stored with a replay, trusted or not.
    const raw = await this.store.readSnapshot().catch(() => null);
    const snapshot = raw?.schema === snapshotFormat ? raw : null;
    const checked = checkChain(batches, snapshot?.seq);
    const problems: LedgerProblem[] = [...checked.problems];
    if (snapshot && problems.length === 0) {
      const at = checked.stateAt;
      if (snapshot.seq > checked.head.seq) {
        problems.push({
          seq: snapshot.seq,
          kind: 'missing',
          message: `the snapshot was taken at event ${snapshot.seq} but the ledger ends at ${checked.head.seq}: events ${checked.head.seq + 1}..${snapshot.seq} were removed`,
        });
      } else if (at && (at.hash !== snapshot.hash || canonicalJson(at) !== canonicalJson(snapshot.state))) {
        problems.push({
          seq: snapshot.seq,
          kind: 'snapshot-mismatch',
          message: `the snapshot at event ${snapshot.seq} does not match a replay of the events; delete it to rebuild, or restore the events it was taken from`,
        });
      }
    }
    if (options.publicKey) {
      problems.push(...checkBatchSignatures(batches, parseLedgerPublicKey(options.publicKey)));
    }
    if (options.checkpoint)
      problems.push(...(await checkCheckpoint(options.checkpoint, batches, options.publicKey)));
    problems.push(...checkApprovalSignatures(checked.events, options.approvalSigners ?? (() => undefined)));
    return { ok: problems.length === 0, events: checked.count, head: checked.head, problems };
  }
}

export type { LedgerHead };
export { emptyState };

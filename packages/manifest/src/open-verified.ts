import { constants } from 'node:fs';
import { type FileHandle, open, readlink, realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type IntegrityIssue, ManifestErrorCode, ModelIntegrityError } from './errors.js';
import { type ExpectedFile, unreadable } from './inspect-files.js';
import {
  type PreparedVerification,
  prepareVerification,
  type VerifiedFile,
  type VerifyModelOptions,
  type VerifyReport,
} from './prepare.js';
import { compareDigests, type HashedFile, hashCheckedFiles } from './verify-hash.js';
import { isInside, symlinkEscape } from './walk.js';

export type OpenVerifiedOptions = Omit<VerifyModelOptions, 'cache'>;

export interface VerifiedFileHandle extends VerifiedFile {
  /** Open on exactly the bytes that were hashed; its file position is 0. */
  handle: FileHandle;
}

export interface VerifiedModel {
  report: VerifyReport;
  files: VerifiedFileHandle[];
  /** The handle of a manifest path (e.g. `model.json`); throws for a path the manifest does not list. */
  handle(path: string): FileHandle;
  /** Reads a whole verified file from its handle. */
  readFile(path: string): Promise<Buffer>;
  /** Closes every handle; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

// O_NOFOLLOW refuses a symlink as the last component; Windows has no such flag (0 = plain open).
const noFollow = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** Where the kernel says an open descriptor points (Linux); undefined where /proc is absent. */
async function openedPath(handle: FileHandle): Promise<string | undefined> {
  try {
    return (await readlink(`/proc/self/fd/${handle.fd}`)).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Opens one model file so that what is opened is what will be hashed and read: the last path
 * component is never followed as a symlink (an in-root link is resolved and checked first), and
 * the opened descriptor itself must lie inside the root and be a regular file.
 */
async function openInside(
  file: ExpectedFile,
  prepared: PreparedVerification,
): Promise<FileHandle | 'missing'> {
  const { realRoot, root } = prepared;
  let handle: FileHandle;
  try {
    handle = await open(file.absolutePath, realRoot === undefined ? 'r' : noFollow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    if (realRoot === undefined || (code !== 'ELOOP' && code !== 'EMLINK'))
      throw unreadable(file.absolutePath, error);
    const target = await realpath(file.absolutePath).catch(() => null);
    if (target === null) return 'missing';
    if (!isInside(realRoot, target)) throw symlinkEscape(file.absolutePath, target, root);
    try {
      handle = await open(target, noFollow);
    } catch (again) {
      throw unreadable(file.absolutePath, again);
    }
  }
  try {
    if (realRoot !== undefined) {
      // Checked on the descriptor, not the path: a directory swapped for a link after the open
      // cannot make a file outside the root pass. Without /proc, the parent directory is checked.
      const real = (await openedPath(handle)) ?? (await realpath(dirname(file.absolutePath)));
      if (!isInside(realRoot, real)) throw symlinkEscape(file.absolutePath, real, root);
    }
    if (!(await handle.stat()).isFile()) throw unreadable(file.absolutePath, new Error('not a regular file'));
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Verifies a model and hands back its files open, so inference code reads exactly the bytes that
 * were hashed: each file is opened once, hashed through its descriptor, and returned open. A file
 * swapped by rename or symlink after the check cannot be read by mistake. It cannot stop a writer
 * who modifies the same inode in place (see SPEC.md). Close the handles with `close()` (or
 * `await using`). Throws like verifyModel, with every handle closed.
 */
export async function openVerified(options: OpenVerifiedOptions): Promise<VerifiedModel> {
  const prepared = await prepareVerification(options);
  const { expected } = prepared;
  const handles: (FileHandle | undefined)[] = new Array(expected.length);
  const closeAll = () => Promise.all(handles.map((handle) => handle?.close().catch(() => {})));
  try {
    const issues: IntegrityIssue[] = [];
    const toHash: number[] = [];
    const sizes: number[] = [];
    for (const [index, file] of expected.entries()) {
      const opened = await openInside(file, prepared);
      if (opened === 'missing') {
        issues.push({ code: ManifestErrorCode.FILE_MISSING, path: file.path });
        continue;
      }
      handles[index] = opened;
      const size = (await opened.stat()).size;
      if (file.size !== undefined && size !== file.size) {
        issues.push({
          code: ManifestErrorCode.SIZE_MISMATCH,
          path: file.path,
          expected: file.size,
          actual: size,
        });
        continue;
      }
      toHash.push(index);
      sizes.push(size);
    }
    const hashed = await hashCheckedFiles(
      prepared,
      issues,
      toHash,
      sizes,
      (index) => handles[index]!.fd,
      options,
      (error) => unreadable(prepared.root, error),
    );
    const results: (HashedFile | undefined)[] = new Array(expected.length);
    for (const index of toHash) results[index] = hashed.get(index);
    const files = compareDigests(prepared, results, () => false, issues);
    if (issues.length > 0) throw new ModelIntegrityError(issues);
    const report: VerifyReport = {
      ok: true,
      format: prepared.format,
      manifestPath: prepared.manifestPath,
      root: prepared.root,
      files,
      signature: prepared.signature,
      ...(prepared.signer ? { signer: prepared.signer } : {}),
      bytesHashed: sizes.reduce((sum, size) => sum + size, 0),
    };
    return verifiedModel(report, files, handles as FileHandle[], closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function verifiedModel(
  report: VerifyReport,
  files: VerifiedFile[],
  handles: FileHandle[],
  closeAll: () => Promise<unknown>,
): VerifiedModel {
  const withHandles = files.map((file, index) => ({ ...file, handle: handles[index]! }));
  const byPath = new Map(withHandles.map((file) => [file.path, file.handle]));
  let closed: Promise<void> | undefined;
  const handle = (path: string) => {
    const found = byPath.get(path);
    if (!found) {
      throw new RangeError(
        `${path} is not a file of this verified model; it lists ${[...byPath.keys()].slice(0, 5).join(', ')}`,
      );
    }
    return found;
  };
  const close = () => {
    closed ??= closeAll().then(() => undefined);
    return closed;
  };
  return {
    report,
    files: withHandles,
    handle,
    // Positional reads from 0: the bytes hashed, whatever the handle's position.
    readFile: async (path) => {
      const fileHandle = handle(path);
      const { size } = await fileHandle.stat();
      const buffer = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const { bytesRead } = await fileHandle.read(buffer, done, size - done, done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

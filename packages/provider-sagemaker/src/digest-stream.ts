// A pass-through stream that hashes what flows through it, so the bytes read for the upload are
// the bytes hashed: one read pass, no second look at the file.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface FileDigests {
  md5: string;
  sha256: string;
  size: number;
}

export class DigestStream extends Transform {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  private bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Valid once the stream has ended. */
  digests(): FileDigests {
    return { md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex'), size: this.bytes };
  }
}

export function digestBuffer(data: Uint8Array): FileDigests {
  return {
    md5: createHash('md5').update(data).digest('hex'),
    sha256: createHash('sha256').update(data).digest('hex'),
    size: data.length,
  };
}

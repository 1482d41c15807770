// `s3://bucket/key` in one place: settings, refs and ledgers all name S3 locations this way.
import { InvalidInputError } from '../contract/errors.js';

export interface S3Location {
  bucket: string;
  /** The key or prefix, without a leading slash; may be empty. */
  key: string;
}

/** `s3://bucket/key` → parts; anything else is an input error naming `what`. */
export function parseS3Uri(uri: string, what = 'S3 URI'): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1])
    throw new InvalidInputError(`${what} "${uri}" is not an s3:// URI; write it as s3://<bucket>/<key>`, {
      details: { uri },
    });
  return { bucket: match[1], key: match[2] ?? '' };
}

export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Joins key segments with single slashes, dropping empty ones. */
export function joinS3Key(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '')
    .join('/');
}

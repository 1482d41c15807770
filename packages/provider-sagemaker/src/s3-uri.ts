import { InvalidInputError } from '@modelship/core';

export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` → parts; anything else is a clear input error naming `what`. */
export function parseS3Uri(uri: string, what = 'S3 URI'): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1])
    throw new InvalidInputError(`${what} "${uri}" is not an s3:// URI; write it as s3://<bucket>/<key>`);
  return { bucket: match[1], key: match[2] ?? '' };
}

export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Joins key segments with single slashes, dropping empty ones. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '')
    .join('/');
}

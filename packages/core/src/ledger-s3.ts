// @modelship/core/ledger-s3: the S3 ledger on a subpath of its own, so only apps that import it
// see @aws-sdk/client-s3 (an optional peer) in their types; `@modelship/core` stays local-only.
export { createS3Ledger, S3Ledger, type S3LedgerOptions } from './ledger/s3-ledger.js';

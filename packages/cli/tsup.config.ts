import { packageBuild } from '../../tsup.base.js';

// main and wrapper are what the bins import; both stay small and load the rest lazily.
export default packageBuild(['src/index.ts', 'src/main.ts', 'src/wrapper.ts'], {
  // Only an S3 ledger needs the AWS SDK; it is an optional peer, never bundled.
  external: ['@aws-sdk/client-s3'],
});

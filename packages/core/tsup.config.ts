import { packageBuild } from '../../tsup.base.js';

export default packageBuild(
  {
    index: 'src/index.ts',
    testing: 'src/testing.ts',
    // `errors` is dependency-free: provider `cli` modules use it so a wrapper's --help skips zod.
    errors: 'src/contract/errors.ts',
    'provider-kit': 'src/provider-kit/index.ts',
    // The only entry whose types name @aws-sdk/client-s3 (an optional peer).
    'ledger-s3': 'src/ledger-s3.ts',
  },
  { external: ['vitest', '@aws-sdk/client-s3'] },
);

import { defineConfig } from 'tsup';

export default defineConfig({
  // main and wrapper are what the bins import; both stay small and load the rest lazily.
  entry: ['src/index.ts', 'src/main.ts', 'src/wrapper.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Only an S3 ledger needs the AWS SDK; it is an optional peer, never bundled.
  external: ['@aws-sdk/client-s3'],
});

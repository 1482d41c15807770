// What users do to a model, as fast-check arbitraries: the property tests of the pure decisions
// and of the Promoter draw from the same operations so that they explore the same space.
import fc from 'fast-check';

export const stages = ['development', 'staging', 'production'];

export const operation = fc.oneof(
  fc.record({
    kind: fc.constant('promote' as const),
    version: fc.integer({ min: 1, max: 4 }),
    stage: fc.constantFrom(...stages),
  }),
  fc.record({
    kind: fc.constant('approve' as const),
    version: fc.integer({ min: 1, max: 4 }),
    by: fc.constantFrom('alice', 'bob'),
  }),
  fc.record({
    kind: fc.constant('reject' as const),
    version: fc.integer({ min: 1, max: 4 }),
    by: fc.constantFrom('alice', 'bob'),
  }),
  fc.record({ kind: fc.constant('rollback' as const), stage: fc.constantFrom(...stages) }),
);

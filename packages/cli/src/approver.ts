// In GitHub Actions anyone who can start a workflow can type `--by alice`; the runner's own
// GITHUB_ACTOR is the identity GitHub vouches for, so an approval must come from it unless the
// config says explicitly that the flag is trusted (approvals.trustByFlag).
import { UsageError } from './exit-codes.js';

export function assertApproverIsActor(input: {
  verb: 'approve' | 'reject';
  by: string;
  env: Record<string, string | undefined>;
  trustByFlag: boolean | undefined;
}): void {
  if (input.env.GITHUB_ACTIONS !== 'true' || input.trustByFlag === true) return;
  const actor = input.env.GITHUB_ACTOR;
  if (actor && actor === input.by) return;
  throw new UsageError(
    `${input.verb} --by ${input.by}: in GitHub Actions the approver must be the user who started the run (GITHUB_ACTOR=${actor ?? '(unset)'}); ` +
      'run the workflow as that person, or set approvals.trustByFlag: true in modelship.config if --by is set by a trusted step',
  );
}

import type { ModelshipManifest } from './schemas.js';

export interface InTotoStatement {
  _type: 'https://in-toto.io/Statement/v1';
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: 'https://slsa.dev/provenance/v1';
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters?: Record<string, unknown>;
      resolvedDependencies: { uri: string; digest: Record<string, string> }[];
    };
    runDetails: {
      builder: { id: string };
      metadata: { invocationId?: string; finishedOn: string };
    };
  };
}

const githubWorkflowBuildType = 'https://actions.github.io/buildtypes/workflow/v1';
const localBuildType = 'https://modelship.dev/buildtypes/local/v1';

/** `owner/name/.github/workflows/x.yml@refs/heads/main` → `.github/workflows/x.yml`. */
function workflowPath(workflow: string | null, repository: string | null): string | null {
  if (!workflow || !repository || !workflow.startsWith(`${repository}/`)) return null;
  return workflow.slice(repository.length + 1).replace(/@.*$/, '');
}

/**
 * An in-toto v1 Statement with a SLSA v1 provenance predicate: one subject per model file (digest
 * keys are the in-toto algorithm names `md5`, `sha256`), the source commit as the resolved
 * dependency, the GitHub run as the invocation.
 */
export function toInTotoStatement(manifest: ModelshipManifest): InTotoStatement {
  const p = manifest.provenance;
  const github = p.source === 'github-actions';
  const repositoryUrl = p.repository
    ? /^[^/:]+\/[^/]+$/.test(p.repository)
      ? `https://github.com/${p.repository}`
      : p.repository
    : null;
  const subject = manifest.files.map((file) => ({
    name: file.path,
    digest: Object.fromEntries(
      (['sha256', 'md5'] as const).flatMap((name) => (file[name] ? [[name, file[name]]] : [])),
    ),
  }));
  const resolvedDependencies =
    repositoryUrl && p.commit
      ? [{ uri: `git+${repositoryUrl}${p.ref ? `@${p.ref}` : ''}`, digest: { gitCommit: p.commit } }]
      : [];
  const invocationId =
    github && repositoryUrl && p.runId
      ? `${repositoryUrl}/actions/runs/${p.runId}${p.runAttempt ? `/attempts/${p.runAttempt}` : ''}`
      : undefined;
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject,
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: github ? githubWorkflowBuildType : localBuildType,
        externalParameters: github
          ? {
              workflow: {
                ref: p.ref,
                repository: repositoryUrl,
                path: workflowPath(p.workflow, p.repository),
              },
            }
          : { source: repositoryUrl, ref: p.ref },
        internalParameters: {
          modelship: {
            name: manifest.name,
            version: manifest.version,
            actor: p.actor,
            commitMessage: p.commitMessage,
          },
        },
        resolvedDependencies,
      },
      runDetails: {
        builder: {
          id: github ? 'https://github.com/actions/runner' : 'https://modelship.dev/builders/local',
        },
        metadata: { ...(invocationId ? { invocationId } : {}), finishedOn: p.uploadedAt },
      },
    },
  };
}

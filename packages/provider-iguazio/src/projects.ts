import type { MlrunClient } from './client.js';

/**
 * Get-or-create: `GET /api/v1/projects/{name}`, and `POST /api/v1/projects` when it is missing,
 * with the project's source (where MLRun's workflow runner loads the project and its workflows).
 */
export async function ensureProject(
  client: MlrunClient,
  name: string,
  operation: string,
  source?: string,
): Promise<void> {
  const found = await client({
    path: `v1/projects/${name}`,
    allow: [404],
    what: `project ${name}`,
    operation,
  });
  if (found.status !== 404) return;
  await client({
    method: 'POST',
    path: 'v1/projects',
    json: {
      kind: 'project',
      metadata: { name },
      spec: { description: 'created by modelship', ...(source ? { source } : {}) },
      status: {},
    },
    allow: [409], // created meanwhile by a concurrent call: fine
    what: `project ${name}`,
    operation,
  });
}

// Environments: each stage may live on its own Iguazio / MLRun cluster (the seed's development,
// staging and production), with its own API URL, project and credentials. Credentials are named
// by environment variable, never given as values, so a config file or a ledger never holds one.
import { InvalidInputError } from '@modelship/core/errors';

export interface IguazioEnvironment {
  /** MLRun API URL of this environment. */
  apiUrl?: string;
  /** Variable holding the API URL, when CI keeps it per GitHub environment. */
  apiUrlEnv?: string;
  /** MLRun project there (default: `stages.<stage>.project`, else the provider's `project`). */
  project?: string;
  /** Variable holding this environment's access key, e.g. `PROD_V3IO_ACCESS_KEY`. */
  accessKeyEnv?: string;
  /** Variable holding the user name sent as `X-Remote-User`. */
  usernameEnv?: string;
  /** v3io web API of this environment (model files are written there when they cross), or its variable. */
  v3ioApi?: string;
  v3ioApiEnv?: string;
}

const fields: Record<keyof IguazioEnvironment, string> = {
  apiUrl: 'MLRun API URL',
  apiUrlEnv: 'variable holding the MLRun API URL',
  project: 'MLRun project',
  accessKeyEnv: 'variable holding the access key',
  usernameEnv: 'variable holding the user name',
  v3ioApi: 'v3io web API URL',
  v3ioApiEnv: 'variable holding the v3io web API URL',
};
const secretNames = /^(accessKey|token|password|secret|key|sessionKey)$/i;
const variablePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks `environments` as it comes from code, a flag (JSON text) or `providers.iguazio.environments`
 * of modelship.config.yaml. An unknown key is an error naming the known ones; a credential given as a
 * value is refused, naming the `…Env` field to use instead.
 */
export function checkEnvironments(raw: unknown, where = 'environments'): Record<string, IguazioEnvironment> {
  if (raw === undefined || raw === null || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidInputError(`${where} must be a map of stage → environment (JSON text on a flag)`);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError(
      `${where} must map stage names to { apiUrl, project, accessKeyEnv, … }, e.g. { production: { apiUrl: "https://mlrun-api.prod", project: "fraud-prod", accessKeyEnv: "PROD_V3IO_ACCESS_KEY" } }`,
    );
  const out: Record<string, IguazioEnvironment> = {};
  for (const [stage, entry] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}.${stage}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
      throw new InvalidInputError(`${at} must be a map such as { apiUrl, project, accessKeyEnv }`);
    for (const [name, field] of Object.entries(entry as Record<string, unknown>)) {
      if (secretNames.test(name))
        throw new InvalidInputError(
          `${at}.${name}: credentials are never given as values here; name the environment variable that holds it in ${at}.accessKeyEnv`,
        );
      if (!(name in fields))
        throw new InvalidInputError(
          `${at}.${name} is not an environment setting; known: ${Object.keys(fields).join(', ')}`,
        );
      if (typeof field !== 'string' || field === '')
        throw new InvalidInputError(
          `${at}.${name} must be a non-empty string (${fields[name as keyof IguazioEnvironment]})`,
        );
      if (name.endsWith('Env') && !variablePattern.test(field))
        throw new InvalidInputError(
          `${at}.${name} "${field}" is not an environment variable name; give the variable's name, not its value`,
        );
    }
    out[stage] = entry as IguazioEnvironment;
  }
  return out;
}

/** Reads `value`, else the variable `variable` names; says which one is missing. */
export function fromVariable(
  value: string | undefined,
  variable: string | undefined,
  env: NodeJS.ProcessEnv,
  what: string,
): string | undefined {
  if (value) return value;
  if (!variable) return undefined;
  const found = env[variable];
  if (!found)
    throw new InvalidInputError(
      `${what} comes from ${variable}, which is not set; set it (a CI secret or variable)`,
    );
  return found;
}

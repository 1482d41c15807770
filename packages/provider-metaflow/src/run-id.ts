import { InvalidInputError } from '@modelship/core';

export interface RunPathspec {
  flow: string;
  id: string;
  pathspec: string;
}

/** `Flow/123` → its parts. A bare id needs the flow name from elsewhere. */
export function parseRunPathspec(value: string | undefined, where: string, flow?: string): RunPathspec {
  const text = value?.trim() ?? '';
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\/([^/\s]+)$/.exec(text);
  if (match) return { flow: match[1]!, id: match[2]!, pathspec: text };
  if (flow && /^[^/\s]+$/.test(text)) return { flow, id: text, pathspec: `${flow}/${text}` };
  throw new InvalidInputError(
    `${where} "${text}" is not a Metaflow run; pass refs.runId as FlowName/RunId (e.g. EvaluateNewModelFlow/1699)`,
  );
}

// Pure argument parsing for `modelship`: argv in, a validated command out (or a UsageError).
// Nothing here touches the file system or imports more than node:util.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  placeholder?: string;
};

export const globalOptions = {
  json: { type: 'boolean', description: 'print one JSON document on stdout' },
  config: {
    type: 'string',
    placeholder: 'FILE',
    description: 'config file (default ./modelship.config.yaml if present)',
  },
  ledger: {
    type: 'string',
    placeholder: 'DIR|s3://BUCKET/PREFIX',
    description: 'where the ledger lives (default from config, else .modelship)',
  },
  provider: {
    type: 'string',
    placeholder: 'NAME',
    description: 'provider to use (default from config, else local)',
  },
  'idempotency-key': {
    type: 'string',
    placeholder: 'KEY',
    description: 'a retry with the same key changes nothing',
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
} satisfies Record<string, OptionSpec>;

export interface CommandSpec {
  summary: string;
  /** Positional names; a trailing `?` marks optional, `...` takes the rest. */
  positionals: string[];
  options: Record<string, OptionSpec>;
  required?: string[];
  /** Arguments after `--` are kept (the training command). */
  tail?: boolean;
}

const by = {
  type: 'string',
  placeholder: 'WHO',
  description: 'who acts (default: GITHUB_ACTOR, else USER)',
} as const;

const staleAfter = {
  type: 'string',
  placeholder: 'DURATION',
  description:
    'reconcile first a deploy to the stage left by a run gone this long (default deploy.staleAfter, 30m; at once if its pid is gone on this host)',
} as const;

// approve and reject take the same options: a decision on one stage, by someone, for a reason.
const approvalDecisionOptions = {
  stage: { type: 'string', placeholder: 'S', description: 'stage' },
  by,
  reason: { type: 'string', description: 'why' },
} as const;

export const commands = {
  init: {
    summary: 'write a commented modelship.config.yaml',
    positionals: [],
    options: { force: { type: 'boolean', description: 'overwrite an existing file' } },
  },
  train: {
    summary: 'run training on the provider; with --register also upload and register the result',
    positionals: ['model'],
    options: {
      param: {
        type: 'string',
        multiple: true,
        placeholder: 'K=V',
        description: 'training parameter (repeatable)',
      },
      option: {
        type: 'string',
        multiple: true,
        placeholder: 'K=V',
        description: 'provider-specific option (repeatable)',
      },
      register: { type: 'boolean', description: 'upload the trained model and register it as a new version' },
      evaluation: {
        type: 'string',
        placeholder: 'ID',
        description: 'id of the evaluation set the metrics come from',
      },
    },
    tail: true,
  },
  upload: {
    summary: 'store a model with the provider (manifest stamped on the way in)',
    positionals: ['model'],
    options: {
      path: { type: 'string', placeholder: 'P', description: 'model file or directory' },
      version: { type: 'string', placeholder: 'V', description: 'version label stamped in the manifest' },
    },
    required: ['path'],
  },
  register: {
    summary: 'register a new version of a model; prints its version id',
    positionals: ['model'],
    options: {
      path: {
        type: 'string',
        placeholder: 'P',
        description: 'model file or directory (uploaded to the provider)',
      },
      metrics: { type: 'string', placeholder: 'F', description: 'JSON file of metric name → number' },
      evaluation: {
        type: 'string',
        placeholder: 'ID',
        description: 'id of the evaluation set the metrics come from',
      },
      'new-version': {
        type: 'boolean',
        description:
          'register even if a version with the same manifest digest, metrics and evaluation exists',
      },
    },
    required: ['path'],
  },
  promote: {
    summary: "run the target stage's gates and promote (or ask for approval)",
    positionals: ['model', 'version'],
    options: {
      to: { type: 'string', placeholder: 'STAGE', description: 'target stage' },
      by,
      evaluation: {
        type: 'string',
        placeholder: 'F',
        description: 'JSON file {id, metrics, champion} from evaluating both on one set',
      },
      'if-champion': {
        type: 'string',
        placeholder: 'VERSION|none',
        description: 'only if this is still the stage champion, else exit 3 (compare-and-swap)',
      },
      'stale-after': staleAfter,
    },
    required: ['to'],
  },
  approve: {
    summary: 'approve a version pending approval for a stage',
    positionals: ['model', 'version'],
    options: {
      ...approvalDecisionOptions,
      'sign-key': {
        type: 'string',
        placeholder: 'FILE',
        description:
          'sign the approval with this SSH private key (required where approvals.<stage>.allowedSigners is set; passphrase in MODELSHIP_SIGN_KEY_PASSPHRASE)',
      },
      'print-payload': {
        type: 'boolean',
        description: 'print what to sign (for `ssh-keygen -Y sign -n modelship-approval`) and record nothing',
      },
      signature: {
        type: 'string',
        placeholder: 'FILE.sig',
        description:
          'an SSH signature of the payload FILE that --print-payload printed, made by ssh-keygen -Y sign',
      },
    },
    required: ['stage', 'by'],
  },
  reject: {
    summary: 'reject a version pending approval for a stage',
    positionals: ['model', 'version'],
    options: approvalDecisionOptions,
    required: ['stage', 'by'],
  },
  deploy: {
    summary: "deploy a stage's champion (or a given version) with the provider",
    positionals: ['model', 'version?'],
    options: {
      stage: { type: 'string', placeholder: 'S', description: 'stage' },
      by,
      'stale-after': staleAfter,
    },
    required: ['stage'],
  },
  rollback: {
    summary: "put back the stage's previous champion",
    positionals: ['model'],
    options: {
      stage: { type: 'string', placeholder: 'S', description: 'stage' },
      by,
      'stale-after': staleAfter,
    },
    required: ['stage'],
  },
  reconcile: {
    summary: 'finish or fail deploys a crashed run left `deploying` (asks the provider, else deploys again)',
    positionals: ['model?'],
    options: { stage: { type: 'string', placeholder: 'S', description: 'only this stage' } },
  },
  status: {
    summary: 'the stage board: champion, challengers and pending approvals per stage',
    positionals: ['model?'],
    options: {
      check: {
        type: 'boolean',
        description:
          "ask the provider what each stage serves; exit 1 naming any difference from the ledger's champion",
      },
      at: {
        type: 'string',
        placeholder: 'TIME|#SEQ',
        description:
          'the board as it was then: an ISO-8601 time with a zone (2026-03-03T12:00:00Z) or an event number (#1200)',
      },
    },
  },
  history: {
    summary: "a model's ledger history; with --stage, each champion's tenure in that stage",
    positionals: ['model'],
    options: {
      stage: {
        type: 'string',
        placeholder: 'S',
        description: 'list the champions of this stage: version, from, to, how it arrived, approvals, gates',
      },
      format: {
        type: 'string',
        placeholder: 'table|json|mermaid',
        description: 'output format (default table; mermaid is a flowchart, with --stage a Gantt chart)',
      },
    },
  },
  report: {
    summary:
      'write one self-contained HTML report: boards, timelines, gate evidence, approvals, metric charts',
    positionals: [],
    options: {
      model: { type: 'string', placeholder: 'M', description: 'only this model (default every model)' },
      out: {
        type: 'string',
        placeholder: 'FILE',
        description: 'where to write it (default modelship-report.html)',
      },
    },
  },
  ledger: {
    summary:
      'ledger verify: check the hash chain, signatures and snapshots; ledger checkpoint: record the head',
    positionals: ['action'],
    options: {
      'public-key': {
        type: 'string',
        placeholder: 'FILE',
        description:
          'verify: every batch must be signed by this ed25519 public key (default ledger.publicKey)',
      },
      checkpoint: {
        type: 'string',
        placeholder: 'FILE',
        description: 'verify: fail if the ledger no longer holds this checkpoint (truncated or forked)',
      },
      out: {
        type: 'string',
        placeholder: 'FILE',
        description: 'checkpoint: write it here instead of stdout',
      },
    },
  },
  manifest: {
    summary: 'manifest create|verify (the modelship-manifest commands)',
    positionals: ['args...'],
    options: {},
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof commands;

export interface ParsedCommand {
  command: CommandName;
  /** Named positionals, e.g. `{ model: 'housing', version: 'v1' }`. */
  args: Record<string, string | undefined>;
  values: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  config?: string;
  ledger?: string;
  provider?: string;
  idempotencyKey?: string;
  /** Arguments after `--`. */
  tail: string[];
  /** Everything after the command word, untouched (for `manifest`). */
  raw: string[];
}

export type Invocation = { command: 'help'; topic?: CommandName } | { command: 'version' } | ParsedCommand;

export function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(commands, name);
}

const takesValue = new Set(
  Object.entries(globalOptions)
    .filter(([, option]) => option.type === 'string')
    .map(([name]) => `--${name}`),
);

/** Index of the command word: the first argument that is neither a flag nor a global flag's value. */
function commandIndex(argv: readonly string[]): number {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--') return -1;
    if (!arg.startsWith('-')) return index;
    if (takesValue.has(arg)) index += 1;
  }
  return -1;
}

/** Turns `modelship <argv>` into a command; throws UsageError naming the problem and the fix. */
export function argvToOptions(argv: readonly string[]): Invocation {
  const first = commandIndex(argv);
  const name = first === -1 ? undefined : argv[first];
  if (name === undefined || name === 'help') {
    if (argv.includes('--version') || argv.includes('-v')) return { command: 'version' };
    const topic = name === 'help' ? argv[first + 1] : undefined;
    return { command: 'help', topic: isCommand(topic) ? topic : undefined };
  }
  if (!isCommand(name)) {
    throw new UsageError(`unknown command "${name}"; run \`modelship --help\` for the list`);
  }
  const spec: CommandSpec = commands[name];
  const raw = [...argv.slice(0, first), ...argv.slice(first + 1)];
  if (name === 'manifest') {
    return { command: name, args: {}, values: {}, json: raw.includes('--json'), tail: [], raw };
  }
  const dash = raw.indexOf('--');
  const own = dash === -1 ? raw : raw.slice(0, dash);
  const tail = dash === -1 ? [] : raw.slice(dash + 1);
  if (tail.length > 0 && !spec.tail) throw new UsageError(`${name} takes no arguments after "--"`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: own,
      options: { ...globalOptions, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${name}: ${(error as Error).message.replace(/\. To specify.*$/s, '')}; see \`modelship ${name} --help\``,
    );
  }
  const values = parsed.values as ParsedCommand['values'];
  if (values.help) return { command: 'help', topic: name };
  const args: Record<string, string | undefined> = {};
  const positionals = [...parsed.positionals];
  for (const slot of spec.positionals) {
    const optional = slot.endsWith('?');
    const key = slot.replace(/[?.]+$/, '');
    const value = positionals.shift();
    if (value === undefined && !optional) {
      throw new UsageError(`${name}: missing <${key}>; usage: modelship ${name} ${usageLine(spec)}`);
    }
    args[key] = value;
  }
  if (positionals.length > 0) throw new UsageError(`${name}: unexpected argument "${positionals[0]}"`);
  for (const option of spec.required ?? []) {
    if (values[option] === undefined || values[option] === '') {
      throw new UsageError(`${name}: --${option} is required; usage: modelship ${name} ${usageLine(spec)}`);
    }
  }
  if (
    name === 'history' &&
    values.format !== undefined &&
    !['table', 'json', 'mermaid'].includes(String(values.format))
  ) {
    throw new UsageError(`history: --format must be table, json or mermaid, not "${values.format}"`);
  }
  if (name === 'status' && values.at !== undefined && values.check === true) {
    throw new UsageError(
      'status: --at shows the board from the ledger as it was then; --check compares today with the platform. Use one or the other',
    );
  }
  if (name === 'ledger' && args.action !== 'verify' && args.action !== 'checkpoint') {
    throw new UsageError(
      `ledger: unknown action "${args.action}"; use \`modelship ledger verify\` or \`modelship ledger checkpoint\``,
    );
  }
  return {
    command: name,
    args,
    values,
    json: values.json === true,
    config: values.config as string | undefined,
    ledger: values.ledger as string | undefined,
    provider: values.provider as string | undefined,
    idempotencyKey: values['idempotency-key'] as string | undefined,
    tail,
    raw,
  };
}

/** `K=V` pairs (from --param/--option/--ref) to an object; numbers and booleans are typed. */
export function keyValues(pairs: unknown, flag: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const pair of (Array.isArray(pairs) ? pairs : []) as string[]) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag} "${pair}" must look like name=value`);
    const value = pair.slice(at + 1);
    out[pair.slice(0, at)] =
      value === 'true'
        ? true
        : value === 'false'
          ? false
          : value !== '' && Number.isFinite(Number(value))
            ? Number(value)
            : value;
  }
  return out;
}

export function usageLine(spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) =>
    p.endsWith('?') ? `[<${p.slice(0, -1)}>]` : p.endsWith('...') ? `<${p.slice(0, -3)}…>` : `<${p}>`,
  );
  const options = Object.entries(spec.options).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ` ${option.placeholder ?? 'X'}` : ''}`;
    return spec.required?.includes(name) ? flag : `[${flag}]`;
  });
  return [...positionals, ...options, ...(spec.tail ? ['[-- <command> [args…]]'] : [])].join(' ');
}

// Entry of the pachctl double (see ../bin/pachctl-double.mjs). Errors print as pachctl prints
// them (the message on stderr) and exit with code 1, like every failing pachctl command.
import { readFileSync } from 'node:fs';
import { type ParsedArgs, parseArgs } from './args.js';
import { checkAuth, useAuthToken } from './auth.js';
import { dispatch } from './commands.js';
import { pushImage } from './images.js';
import { advance } from './jobs.js';
import { PachError, Store } from './state.js';

export const doubleVersion = '2.11.0';

/**
 * `pachctl version` (src/server/cmd/pachctl/cmd/cmd.go): with --client-only, PrettyPrintVersion's
 * "major.minor.micro" or, with --raw, versionpb.Version as protojson with proto field names; without
 * it, a COMPONENT/VERSION table of pachctl and pachd. PACHCTL_DOUBLE_VERSION plays an older pachctl.
 */
function version(flags: ParsedArgs['flags'], out: (text: string) => void): void {
  const text = process.env.PACHCTL_DOUBLE_VERSION ?? doubleVersion;
  const [major = 0, minor = 0, micro = 0] = text.split('.').map((part) => Number.parseInt(part, 10));
  const proto = { major, minor, micro, platform: 'amd64' };
  if (flags.raw) {
    out(`${JSON.stringify(proto, null, 2)}\n`);
    if (!flags.clientOnly) out(`${JSON.stringify(proto, null, 2)}\n`);
  } else if (flags.clientOnly) out(`${text}\n`);
  else out(`COMPONENT           VERSION\npachctl             ${text}\npachd               ${text}\n`);
}

export function main(argv: readonly string[]): number {
  const stateDir = process.env.PACHCTL_DOUBLE_STATE;
  try {
    if (!stateDir)
      throw new PachError(
        'PACHCTL_DOUBLE_STATE is not set: point it at the directory the double keeps its state in',
      );
    const args = parseArgs(argv);
    const io = {
      stdin: () => readFileSync(0, 'utf8'),
      out: (text: string) => process.stdout.write(text),
      err: (text: string) => process.stderr.write(text),
    };
    const [verb, noun] = args.words;
    if (verb === 'version') {
      version(args.flags, io.out);
      return 0;
    }
    if (verb === 'auth' && noun === 'use-auth-token') {
      useAuthToken(stateDir, io.stdin());
      return 0;
    }
    if (verb === 'push-image') {
      pushImage(new Store(stateDir), noun ?? '', args.words[2] ?? '');
      return 0;
    }
    checkAuth(stateDir);
    const store = new Store(stateDir);
    // No pachd runs between calls: each call first lets the jobs whose time is up finish.
    advance(store);
    dispatch(store, args, io);
    store.save();
    if (verb === 'edit' && noun === 'metadata') io.err('ok\n');
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof PachError ? error.message : (error as Error).stack}\n`);
    return 1;
  }
}

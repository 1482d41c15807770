// Entry of the pachctl double (see ../bin/pachctl-double.mjs). Errors print as pachctl prints
// them (the message on stderr) and exit with code 1, like every failing pachctl command.
import { readFileSync } from 'node:fs';
import { parseArgs } from './args.js';
import { checkAuth, useAuthToken } from './auth.js';
import { dispatch } from './commands.js';
import { pushImage } from './images.js';
import { PachError, Store } from './state.js';

export const doubleVersion = '2.11.0';

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
      // versionpb.Version {major, minor, micro} (src/version/versionpb/version.proto) under the `pachctl` key.
      io.out(
        args.flags.raw
          ? `${JSON.stringify({ pachctl: { major: 2, minor: 11, micro: 0 } }, null, 2)}\n`
          : `COMPONENT           VERSION\npachctl             ${doubleVersion}\n`,
      );
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
    dispatch(store, args, io);
    store.save();
    if (verb === 'edit' && noun === 'metadata') io.err('ok\n');
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof PachError ? error.message : (error as Error).stack}\n`);
    return 1;
  }
}

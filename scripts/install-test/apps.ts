// Temporary apps that install the packed tarballs the way a user's project installs a release: from
// files, with no workspace links, every @modelship/* dependency (direct or not) pinned to its tarball.
import { spawn } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Packed {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** Runs a command with its output in `log`; rejects with the log's tail when it fails. */
export function runLogged(
  command: string,
  args: string[],
  options: { cwd: string; log: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const fd = openSync(options.log, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', fd, fd] });
    const fail = (why: string) => {
      const tail = readFileSync(options.log, 'utf8').split('\n').slice(-30).join('\n');
      reject(new Error(`${command} ${args.join(' ')} ${why} (in ${options.cwd}):\n${tail}`));
    };
    child.on('error', (error) => {
      closeSync(fd);
      fail(`could not start: ${error.message}`);
    });
    child.on('exit', (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else fail(`exited ${code}`);
    });
  });
}

/**
 * Creates `dir` as an ESM app depending on `names` (package names) from the tarballs in
 * `tarballs`, and installs it. Overrides pin the packages' own @modelship/* dependencies to the
 * tarballs too: their `0.0.0` versions are not on the registry, and a registry copy would hide
 * a packing mistake.
 */
export async function installApp(dir: string, names: string[], packed: Packed[], tarballs: string) {
  mkdirSync(dir, { recursive: true });
  const spec = (name: string) => {
    const found = packed.find((p) => p.name === name);
    if (!found) throw new Error(`install-test: ${name} was not packed; packed: ${packed.map((p) => p.name)}`);
    return `file:${join(tarballs, found.filename)}`;
  };
  const pkg = {
    name: `modelship-install-test-${names.length}`,
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(names.map((name) => [name, spec(name)])),
    overrides: Object.fromEntries(packed.map((p) => [p.name, spec(p.name)])),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await runLogged('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'], {
    cwd: dir,
    log: join(dir, 'npm-install.log'),
  });
}

/** Bytes of every file under `dir` (apparent sizes, symlinks not followed) and installed packages. */
export function installedSize(dir: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const walk = (path: string, inNodeModules: boolean) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        const isPackage =
          inNodeModules &&
          !entry.name.startsWith('@') &&
          !entry.name.startsWith('.') &&
          entry.name !== 'node_modules';
        if (isPackage) packages += 1;
        walk(child, entry.name === 'node_modules' || (inNodeModules && entry.name.startsWith('@')));
      } else bytes += lstatSync(child).size;
    }
  };
  walk(dir, true);
  return { bytes, packages };
}

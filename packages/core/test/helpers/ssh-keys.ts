// Real SSH keys and signatures from OpenSSH's ssh-keygen, the judge of the SSHSIG format.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type KeyType = 'ed25519' | 'rsa' | 'ecdsa';

/** Creates `dir/<name>` (private, OpenSSH format) and `<name>.pub`; returns both paths and the public line. */
export async function sshKey(
  dir: string,
  name: string,
  type: KeyType = 'ed25519',
  passphrase = '',
): Promise<{ path: string; pub: string; text: string }> {
  const path = join(dir, name);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', passphrase, '-C', name, '-f', path]);
  return {
    path,
    pub: (await readFile(`${path}.pub`, 'utf8')).trim(),
    text: await readFile(path, 'utf8'),
  };
}

/** `ssh-keygen -Y sign`: the armored signature of `message` by the key at `keyPath`. */
export async function sshKeygenSign(
  dir: string,
  keyPath: string,
  message: string,
  namespace = 'modelship-approval',
): Promise<string> {
  const file = join(dir, `message-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, message);
  execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-n', namespace, '-f', keyPath, file], { stdio: 'pipe' });
  return readFile(`${file}.sig`, 'utf8');
}

/** `ssh-keygen -Y verify`: its exit status and output for `signature` over `message` by `principal`. */
export async function sshKeygenVerify(input: {
  dir: string;
  allowedSigners: string;
  principal: string;
  message: string;
  signature: string;
  namespace?: string;
}): Promise<{ ok: boolean; output: string }> {
  const sig = join(input.dir, `verify-${Math.random().toString(36).slice(2)}.sig`);
  await writeFile(sig, input.signature);
  const run = spawnSync(
    'ssh-keygen',
    [
      '-Y',
      'verify',
      '-f',
      input.allowedSigners,
      '-I',
      input.principal,
      '-n',
      input.namespace ?? 'modelship-approval',
      '-s',
      sig,
    ],
    { input: input.message, encoding: 'utf8' },
  );
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

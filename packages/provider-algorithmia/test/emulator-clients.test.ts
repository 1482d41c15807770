// The emulator's fidelity, judged by Algorithmia's official clients (npm `algorithmia` 0.3.10 and
// Python `algorithmia` 2.0.5): their data operations must work against it unchanged.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AlgorithmiaEmulator, startAlgorithmiaEmulator } from '@modelship/testing-algorithmia-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, algorithmiaPython, mainPython, USER } from './helpers.js';

const exec = promisify(execFile);
const algorithmia = createRequire(import.meta.url)('algorithmia') as (
  key: string,
  address: string,
) => NpmClient;

/** Runs `body` in a fresh directory, removed afterwards whatever happens. */
async function inScratchDir(prefix: string, body: (root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface NpmFile {
  put(content: string | Buffer, cb: (body: unknown) => void): void;
  get(cb: (error: unknown, data: Buffer) => void): void;
  exists(cb: (exists: boolean, status?: number) => void): void;
  delete(cb: (body: unknown) => void): void;
}
interface NpmDir {
  create(cb: (body: unknown, status?: number) => void): void;
  exists(cb: (exists: boolean, status?: number) => void): void;
  delete(force: boolean, cb: (body: unknown) => void): void;
  forEach(cb: (error: unknown, item: { data_path: string }) => void): { then(done: () => void): void };
}
interface NpmClient {
  file(path: string): NpmFile;
  dir(path: string): NpmDir;
}

const call = <T>(fn: (cb: (...args: unknown[]) => void) => void) =>
  new Promise<T>((done) => fn((...args: unknown[]) => done(args as T)));

let emulator: AlgorithmiaEmulator;

beforeAll(async () => {
  emulator = await startAlgorithmiaEmulator({
    apiKeys: { [API_KEY]: USER },
    runtime: { python: mainPython, buildDelayMs: 30 },
  });
});
afterAll(() => emulator.close());

describe('the official npm client against the emulator', () => {
  it('creates a collection, puts, checks, reads, lists and deletes files', async () => {
    const client = algorithmia(API_KEY, emulator.url);
    const [existsBefore] = await call<[boolean]>((cb) => client.dir(`data://${USER}/npm`).exists(cb));
    expect(existsBefore).toBe(false);
    await call((cb) => client.dir(`data://${USER}/npm`).create(cb));
    const [existsAfter] = await call<[boolean]>((cb) => client.dir(`data://${USER}/npm`).exists(cb));
    expect(existsAfter).toBe(true);

    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    await call((cb) => client.file(`data://${USER}/npm/model.bin`).put(bytes, cb));
    const [fileExists] = await call<[boolean]>((cb) =>
      client.file(`data://${USER}/npm/model.bin`).exists(cb),
    );
    expect(fileExists).toBe(true);
    const [error, data] = await call<[unknown, Buffer]>((cb) =>
      client.file(`data://${USER}/npm/model.bin`).get(cb),
    );
    expect(error).toBeNull();
    expect(Buffer.compare(data, bytes)).toBe(0);

    const listed: string[] = [];
    await new Promise<void>((done) =>
      client
        .dir(`data://${USER}/npm`)
        .forEach((_err, item) => {
          listed.push(item.data_path);
        })
        .then(done),
    );
    expect(listed).toEqual([`${USER}/npm/model.bin`]);

    const [notEmpty] = await call<[{ error?: { message: string } }]>((cb) =>
      client.dir(`data://${USER}/npm`).delete(false, cb),
    );
    expect(notEmpty.error?.message).toMatch(/not empty/);
    const [deleted] = await call<[{ result: { deleted: number } }]>((cb) =>
      client.dir(`data://${USER}/npm`).delete(true, cb),
    );
    expect(deleted.result.deleted).toBe(1);
  });

  it('is refused without a valid key', async () => {
    const client = algorithmia('simWrongKey000', emulator.url);
    const [exists, status] = await call<[boolean, number]>((cb) => client.dir(`data://${USER}`).exists(cb));
    expect(exists).toBe(false);
    expect(status).toBe(401);
  });
});

const pythonScript = `
import sys, Algorithmia
from Algorithmia.errors import DataApiError
client = Algorithmia.client(sys.argv[1], sys.argv[2])
user = sys.argv[3]
d = client.dir("data://%s/py" % user)
assert not d.exists()
d.create()
assert d.exists()
f = client.file("data://%s/py/model.pkl" % user).put(b"\\x00\\x01model")
assert client.file("data://%s/py/model.pkl" % user).exists()
assert client.file("data://%s/py/model.pkl" % user).getBytes() == b"\\x00\\x01model"
client.file("data://%s/py/notes.txt" % user).put("hello")
assert client.file("data://%s/py/notes.txt" % user).getString() == "hello"
names = sorted(f.getName() for f in d.files())
assert names == ["model.pkl", "notes.txt"], names
sizes = {f.getName(): f.size for f in d.files()}
assert sizes["model.pkl"] == 7, sizes
local = client.file("data://%s/py/model.pkl" % user).getFile(as_path=True)
assert open(local, "rb").read() == b"\\x00\\x01model"
client.file("data://%s/py/notes.txt" % user).delete()
assert not client.file("data://%s/py/notes.txt" % user).exists()
try:
    d.delete()
    raise SystemExit("non-empty delete without force must fail")
except DataApiError:
    pass
assert d.delete(force=True)
assert not d.exists()
bad = Algorithmia.client("simWrong", sys.argv[2])
assert not bad.dir("data://%s" % user).exists()
print("ok")
`;

describe('the official Python client against the emulator', () => {
  it('runs its data operations (dir create/exists/list, put/get/getFile, delete with force)', async () => {
    const { stdout } = await exec(algorithmiaPython, ['-c', pythonScript, API_KEY, emulator.url, USER], {
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('ok');
  }, 90_000);
});

const managementScript = `
import sys, Algorithmia
client = Algorithmia.client(sys.argv[1], sys.argv[2])
algo = client.algo("%s/echo" % sys.argv[3])
assert algo.exists()
compiled = algo.compile()
assert compiled["compilation"]["successful"], compiled
sha = compiled["version_info"]["git_hash"]
builds = algo.get_builds()["results"]
assert builds[0]["commit_sha"] == sha and builds[0]["status"] == "succeeded", builds
assert "Build succeeded" in algo.get_build_logs(builds[0]["build_id"])["logs"]
published = algo.publish(details={"label": "v1"}, version_info={"version_type": "minor"})
assert published["version_info"]["semantic_version"] == "0.1.0", published
assert algo.versions()["results"][0]["details"]["label"] == "v1"
assert client.algo("%s/echo/0.1.0" % sys.argv[3]).pipe({"a": 1}).result == {"echo": {"a": 1}}
assert not client.algo("%s/nothing" % sys.argv[3]).exists()
print("ok")
`;

describe('the official Python client against the emulator: algorithm management', () => {
  it('compiles, lists builds and logs, publishes, lists versions and calls the published version', async () => {
    await inScratchDir('algorithmia-mgmt-', async (root) => {
      const bare = join(root, 'echo.git');
      await emulator.createAlgorithm(USER, 'echo', bare);
      const work = join(root, 'work');
      mkdirSync(join(work, 'src'), { recursive: true });
      writeFileSync(join(work, 'src', 'echo.py'), 'def apply(input):\n    return {"echo": input}\n');
      writeFileSync(join(work, 'requirements.txt'), '');
      const git = (...args: string[]) => exec('git', ['-C', work, ...args]);
      await git('init', '--quiet', '--initial-branch=master');
      await git('add', '.');
      await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'echo');
      await git('push', '--quiet', bare, 'master');
      const { stdout } = await exec(
        algorithmiaPython,
        ['-c', managementScript, API_KEY, emulator.url, USER],
        {
          timeout: 60_000,
        },
      );
      expect(stdout.trim()).toBe('ok');
    });
  }, 90_000);
});

// Each line checks a documented behaviour, through the official Python client's own reading of it.
const fidelityScript = `
import os, subprocess, sys, time, Algorithmia
from Algorithmia.acl import AclType, ReadAcl
from Algorithmia.errors import AlgorithmException
key, address, user, work = sys.argv[1:5]
client = Algorithmia.client(key, address)
# username() lists data:// and takes the first folder (the client itself prefixes it with "/").
assert client.username().lstrip("/") == user, client.username()
created = client.dir("data://.my/fidelity")
created.create()
assert created.get_permissions().read_acl is AclType.my_algos  # "algo://.my/*": the documented default
public = client.dir("data://.my/fidelity_public")
public.create(ReadAcl.public)
assert public.get_permissions().read_acl is AclType.public
try:
    client.dir("data://.my/fidelity/nested").create()
    raise SystemExit("a nested directory was created")
except SystemExit:
    raise
except Exception as error:  # the client raises a bare Exception for any non-2xx here
    assert "400" in str(error), error
assert not client.dir("data://.my/fidelity/nested").exists()

algo = client.algo(user + "/fidelity")
def push(value):
    with open(os.path.join(work, "src", "fidelity.py"), "w") as f:
        f.write("def apply(input):\\n    if input == 'boom':\\n        raise ValueError('boom')\\n    return %d\\n" % value)
    git = lambda *args: subprocess.run(["git", "-C", work] + list(args), check=True, capture_output=True, text=True)
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v%d" % value)
    git("push", "-q", "origin", "HEAD:master")
    return git("rev-parse", "HEAD").stdout.strip()
def finished(sha):
    while True:
        build = [b for b in algo.get_builds()["results"] if b["commit_sha"] == sha][0]
        if build["status"] != "in-progress":
            return build
        time.sleep(0.05)

sha1 = push(1)
building = algo.get_builds()["results"][0]
assert building["commit_sha"] == sha1 and building["status"] == "in-progress", building
try:
    algo.get_build_logs(building["build_id"])
    raise SystemExit("logs of an unfinished build were served")
except AlgorithmException as error:
    assert "not available" in error.message, error.message
assert finished(sha1)["status"] == "succeeded"
assert "Build succeeded" in algo.get_build_logs(building["build_id"])["logs"]

first = algo.publish(settings={"algorithm_callability": "private"}, version_info={"version_type": "minor"})
assert first["version_info"]["semantic_version"] == "0.1.0", first
try:
    algo.publish(settings={"algorithm_callability": "private"}, version_info={"version_type": "minor"})
    raise SystemExit("the same build was published twice")
except SystemExit:
    raise
except Exception as error:
    assert "400" in str(error), error
assert len(algo.versions()["results"]) == 1

try:
    client.algo(user + "/fidelity/" + sha1).pipe("boom")
    raise SystemExit("a raising algorithm returned a result")
except AlgorithmException as error:
    assert error.message == "boom" and error.error_type == "AlgorithmError", (error.message, error.error_type)

sha2 = push(2)
assert finished(sha2)["status"] == "succeeded"
second = algo.publish(settings={"algorithm_callability": "public"}, version_info={"version_type": "minor"})
assert second["version_info"]["semantic_version"] == "0.2.0", second
assert client.algo(user + "/fidelity/latestPrivate").pipe(0).result == 1
assert client.algo(user + "/fidelity/0.*").pipe(0).result == 2
assert client.algo(user + "/fidelity/0.1.0").pipe(0).result == 1
assert client.algo(user + "/fidelity").pipe(0).result == 2
print("ok")
`;

describe('the official Python client against the emulator: documented details', () => {
  it('username, default ACL, top-level directories only, algorithm errors, version aliases, logs 404 while building, one publish per build', async () => {
    await inScratchDir('algorithmia-fidelity-', async (root) => {
      const bare = join(root, 'fidelity.git');
      // Builds stay in progress long enough for the client to see the 404 on their logs.
      await emulator.createAlgorithm(USER, 'fidelity', bare, { buildDelayMs: 1_500 });
      const work = join(root, 'work');
      await exec('git', ['clone', '--quiet', bare, work]);
      mkdirSync(join(work, 'src'), { recursive: true });
      writeFileSync(join(work, 'requirements.txt'), '');
      const { stdout } = await exec(
        algorithmiaPython,
        ['-c', fidelityScript, API_KEY, emulator.url, USER, work],
        { timeout: 60_000 },
      );
      expect(stdout.trim()).toBe('ok');
    });
  }, 90_000);
});

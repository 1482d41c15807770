// The emulator's algorithms: a bare git repository per algorithm whose post-receive hook reports
// pushes, builds of pushed commits (checked out and syntax-checked with a real Python), versions
// published from successful builds, and calls that run the built algorithm's `apply(input)`.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface AlgorithmRuntime {
  /** The Python that builds (py_compile) and runs algorithms; without it builds only check files. */
  python?: string;
  /** PYTHONPATH entries for running algorithms (the Algorithmia client, modelship_manifest). */
  pythonPath?: string[];
  /** Milliseconds a build stays `in-progress`, so clients really poll. */
  buildDelayMs?: number;
  callTimeoutMs?: number;
}

export interface Build {
  build_id: string;
  commit_sha: string;
  status: 'in-progress' | 'succeeded' | 'failed';
  started_at: string;
  finished_at: string | null;
  resource_type: 'algorithm_build';
  version_info: { git_hash: string; version_uuid: string } | null;
  logs: string;
  checkout?: string;
}

export interface PublishedVersion {
  semantic_version: string;
  git_hash: string;
  version_uuid: string;
  release_notes: string | null;
  sample_input: string | null;
  version_type: string;
  details: Record<string, unknown>;
  settings: Record<string, unknown>;
  published_at: string;
}

export interface EmulatedAlgorithm {
  user: string;
  name: string;
  id: string;
  repoDir: string;
  details: Record<string, unknown>;
  settings: Record<string, unknown>;
  builds: Build[];
  versions: PublishedVersion[];
  /** Overrides the runtime's `buildDelayMs` for this algorithm. */
  buildDelayMs?: number;
}

export function nextSemanticVersion(previous: string | undefined, type: string): string {
  const [major = 0, minor = 0, patch = 0] = (previous ?? '0.0.0').split('.').map(Number);
  if (type === 'major') return `${major + 1}.0.0`;
  if (type === 'revision' || type === 'patch') return `${major}.${minor}.${patch + 1}`;
  return `${major}.${minor + 1}.0`;
}

const runnerSource = `
import importlib.util, json, sys, traceback
path, name = sys.argv[1], sys.argv[2]
try:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, __import__('os').path.dirname(path))
    spec.loader.exec_module(module)
    result = module.apply(json.loads(sys.stdin.read()))
    out = {"result": result}
except BaseException as error:
    out = {"error": {"message": str(error), "error_type": getattr(error, "error_type", "AlgorithmError"), "stacktrace": traceback.format_exc()}}
sys.stdout.write("\\n@@modelship-emulator@@" + json.dumps(out))
`;

export class AlgorithmRegistry {
  private readonly algorithms = new Map<string, EmulatedAlgorithm>();

  constructor(
    private readonly workDir: string,
    private readonly runtime: AlgorithmRuntime,
    private readonly hookUrl: () => string,
  ) {}

  get(user: string, name: string): EmulatedAlgorithm | undefined {
    return this.algorithms.get(`${user}/${name}`);
  }

  /** Creates the algorithm and its bare git repository (initially empty, branch master). */
  async create(
    user: string,
    name: string,
    repoDir: string,
    options: { buildDelayMs?: number } = {},
  ): Promise<EmulatedAlgorithm> {
    if (!existsSync(join(repoDir, 'HEAD'))) {
      mkdirSync(repoDir, { recursive: true });
      await exec('git', ['init', '--quiet', '--bare', '--initial-branch=master', repoDir]);
    }
    const hook = join(repoDir, 'hooks', 'post-receive');
    // The push is reported to the emulator, the way Algorithmia's git server starts a build.
    writeFileSync(
      hook,
      `#!/bin/sh\nwhile read old new ref; do\n  curl -sf -X POST "${this.hookUrl()}/${user}/${name}?ref=$ref&sha=$new" >/dev/null\ndone\n`,
    );
    chmodSync(hook, 0o755);
    const algorithm: EmulatedAlgorithm = {
      user,
      name,
      id: randomUUID(),
      repoDir,
      details: { label: name, summary: '' },
      settings: {
        algorithm_callability: 'private',
        language: 'python3',
        environment: 'cpu',
        source_visibility: 'closed',
        license: 'apl',
        network_access: 'full',
        pipeline_enabled: true,
        royalty_microcredits: 0,
      },
      builds: [],
      versions: [],
      ...(options.buildDelayMs === undefined ? {} : { buildDelayMs: options.buildDelayMs }),
    };
    this.algorithms.set(`${user}/${name}`, algorithm);
    return algorithm;
  }

  startBuild(algorithm: EmulatedAlgorithm, sha: string): Build {
    const build: Build = {
      build_id: randomUUID(),
      commit_sha: sha,
      status: 'in-progress',
      started_at: new Date().toISOString(),
      finished_at: null,
      resource_type: 'algorithm_build',
      version_info: null,
      logs: '',
    };
    algorithm.builds.push(build);
    setTimeout(
      () => void this.runBuild(algorithm, build),
      algorithm.buildDelayMs ?? this.runtime.buildDelayMs ?? 100,
    ).unref();
    return build;
  }

  async headCommit(algorithm: EmulatedAlgorithm): Promise<string | undefined> {
    try {
      const { stdout } = await exec('git', ['--git-dir', algorithm.repoDir, 'rev-parse', 'master']);
      return stdout.trim();
    } catch {
      return undefined;
    }
  }

  async waitForBuild(build: Build): Promise<void> {
    while (build.status === 'in-progress') await new Promise((done) => setTimeout(done, 20));
  }

  private async runBuild(algorithm: EmulatedAlgorithm, build: Build): Promise<void> {
    const log: string[] = [`Building ${algorithm.user}/${algorithm.name} at ${build.commit_sha}`];
    const checkout = join(this.workDir, 'builds', build.build_id);
    try {
      mkdirSync(checkout, { recursive: true });
      await exec('sh', [
        '-c',
        'git --git-dir "$1" archive --format=tar "$2" | tar -x -C "$3"',
        'sh',
        algorithm.repoDir,
        build.commit_sha,
        checkout,
      ]);
      const entry = join(checkout, 'src', `${algorithm.name}.py`);
      for (const required of ['requirements.txt', join('src', `${algorithm.name}.py`)]) {
        if (!existsSync(join(checkout, required)))
          throw new Error(`missing ${required} in the algorithm repository`);
      }
      if (this.runtime.python) {
        await exec(this.runtime.python, ['-m', 'py_compile', entry]).catch((error: { stderr?: string }) => {
          throw new Error(`python compile failed:\n${error.stderr ?? String(error)}`);
        });
      }
      log.push('Build succeeded');
      build.status = 'succeeded';
      build.version_info = { git_hash: build.commit_sha, version_uuid: randomUUID() };
      build.checkout = checkout;
    } catch (error) {
      log.push(`Build failed: ${(error as Error).message}`);
      build.status = 'failed';
    }
    build.finished_at = new Date().toISOString();
    build.logs = log.join('\n');
  }

  /** Runs `apply(input)` of a built commit; resolves the algorithm's response body. */
  async call(
    algorithm: EmulatedAlgorithm,
    build: Build,
    input: unknown,
    env: Record<string, string>,
  ): Promise<{ result?: unknown; error?: { message: string; error_type?: string; stacktrace?: string } }> {
    if (!this.runtime.python || !build.checkout) {
      return { error: { message: 'the emulator has no Python runtime configured to run algorithms' } };
    }
    const entry = join(build.checkout, 'src', `${algorithm.name}.py`);
    const child = execFile(this.runtime.python, ['-c', runnerSource, entry, algorithm.name], {
      cwd: build.checkout,
      timeout: this.runtime.callTimeoutMs ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, ...env, PYTHONPATH: (this.runtime.pythonPath ?? []).join(':') },
    });
    child.stdin?.end(JSON.stringify(input));
    const stdout = await new Promise<string>((done) => {
      let out = '';
      let err = '';
      child.stdout?.on('data', (chunk) => (out += chunk));
      child.stderr?.on('data', (chunk) => (err += chunk));
      child.on('close', () => done(out.includes('@@modelship-emulator@@') ? out : `${out}\n${err}`));
    });
    const marker = stdout.lastIndexOf('@@modelship-emulator@@');
    if (marker < 0) return { error: { message: `algorithm process crashed: ${stdout.trim().slice(-2000)}` } };
    return JSON.parse(stdout.slice(marker + '@@modelship-emulator@@'.length));
  }
}

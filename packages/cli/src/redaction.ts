// Every byte the CLI writes passes one redactor: the one the provider context and the promoter use
// too, so a secret a provider resolves late, a notifier's webhook, or a well-known secret variable
// of the CI runner (AWS_SECRET_ACCESS_KEY, *_TOKEN…) never reaches stdout, stderr or a runner file.
import type { CliIo, CliStream } from './io.js';

function redacting(stream: CliStream, redact: (text: string) => string): CliStream {
  return {
    write: (text: string) => stream.write(redact(String(text))),
    ...(stream.isTTY !== undefined ? { isTTY: stream.isTTY } : {}),
  };
}

/** The io with stdout/stderr redacted and `redact` set; idempotent. Loads core, so not for --help. */
export async function redactingIo(io: CliIo): Promise<CliIo> {
  if (io.redact) return io;
  const { createRedactor, secretsFromEnv } = await import('@modelship/core');
  const redact = createRedactor(secretsFromEnv(io.env));
  return { ...io, redact, stdout: redacting(io.stdout, redact), stderr: redacting(io.stderr, redact) };
}

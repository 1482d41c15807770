#!/usr/bin/env node
// `npm run bench:s3-upload`: what hashing costs an upload. One run, one moto server: the same
// file is uploaded through lib-storage (multipart) without hashing (baseline) and with MD5 +
// SHA-256 computed in the upload's own read pass (ours), alternately, best time of each.
// Env: BENCH_SIZE_MIB (default 1024), BENCH_REPEATS (default 2), BENCH_PART_MIB (8), BENCH_QUEUE (4).
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createProviderContext, silentLogger } from '@modelship/core';
import { putFile } from '@modelship/provider-sagemaker/internals';
import { startMotoServer } from '../scripts/moto.mjs';

const MiB = 1 << 20;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const repeats = Number(process.env.BENCH_REPEATS ?? 2);
const partSize = Number(process.env.BENCH_PART_MIB ?? 8) * MiB;
const concurrency = Number(process.env.BENCH_QUEUE ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'modelship-s3-bench-'));
const file = join(dir, 'model.bin');
let moto;
const cleanup = async () => {
  rmSync(dir, { recursive: true, force: true });
  await moto?.stop();
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

function writeRandomFile(path, bytes) {
  const chunk = randomFillSync(Buffer.allocUnsafe(MiB));
  const fd = openSync(path, 'w');
  for (let written = 0; written < bytes; written += chunk.length) {
    chunk.writeUInt32LE(written / MiB, 0); // no two chunks alike
    writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  }
  closeSync(fd);
}

async function hashOnly() {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: MiB })) {
    md5.update(chunk);
    sha256.update(chunk);
  }
  return [md5.digest('hex'), sha256.digest('hex')];
}

const seconds = (ms) => (ms / 1000).toFixed(2);
const mibps = (ms) => ((sizeMiB * 1000) / ms).toFixed(0);

try {
  writeRandomFile(file, sizeMiB * MiB);
  moto = await startMotoServer();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
  const Bucket = 'modelship-bench';
  await s3.send(new CreateBucketCommand({ Bucket }));
  const context = createProviderContext({ logger: silentLogger });
  const upload = async (hash, key) => {
    const result = await putFile(
      { client: s3, bucket: Bucket, key, file, partSize, concurrency, hash, force: true },
      context,
    );
    await s3.send(new DeleteObjectCommand({ Bucket, Key: key })); // keep moto's memory flat
    return result;
  };

  const warm = performance.now();
  await hashOnly(); // page cache warm for both variants
  const hashMs = performance.now() - warm;
  const best = { plain: Infinity, hashed: Infinity, hashedTransfer: Infinity, metadata: Infinity };
  const all = { plain: [], hashed: [] };
  for (let i = 0; i < repeats; i += 1) {
    // Alternate the order so neither variant always runs on a cooler/hotter moto.
    for (const variant of i % 2 === 0 ? ['plain', 'hashed'] : ['hashed', 'plain']) {
      const start = performance.now();
      const result = await upload(variant === 'hashed', `${variant}-${i}.bin`);
      const ms = performance.now() - start;
      all[variant].push(ms);
      best[variant] = Math.min(best[variant], ms);
      if (variant === 'hashed') {
        best.hashedTransfer = Math.min(best.hashedTransfer, result.timings.transferMs);
        best.metadata = Math.min(best.metadata, result.timings.metadataMs);
      }
    }
  }

  const rows = [
    ['upload, no hashing (baseline)', best.plain, 1],
    ['upload + MD5 + SHA-256 in the same pass (total)', best.hashed, best.hashed / best.plain],
    ['  of which the transfer while hashing', best.hashedTransfer, best.hashedTransfer / best.plain],
    ['  of which tagging the object with the digests', best.metadata, best.metadata / best.plain],
    ['hashing alone, no upload (reference)', hashMs, hashMs / best.plain],
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `s3 upload of ${sizeMiB} MiB to moto ${moto.url}, part ${partSize / MiB} MiB, ${concurrency} parts in flight, best of ${repeats}`,
  );
  console.log(
    `${cpus().length} cores (${cpu}), node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(
    `| ${'variant'.padEnd(48)} | ${'seconds'.padStart(7)} | ${'MiB/s'.padStart(6)} | ${'ratio'.padStart(6)} |`,
  );
  console.log(`| ${'-'.repeat(48)} | ${'-'.repeat(7)} | ${'-'.repeat(6)} | ${'-'.repeat(6)} |`);
  for (const [name, ms, ratio] of rows)
    console.log(
      `| ${name.padEnd(48)} | ${seconds(ms).padStart(7)} | ${mibps(ms).padStart(6)} | ${ratio.toFixed(3).padStart(6)} |`,
    );
  const overhead = (best.hashed / best.plain - 1) * 100;
  const transferOverhead = (best.hashedTransfer / best.plain - 1) * 100;
  console.log(
    `\nall runs (s): plain ${all.plain.map(seconds).join(', ')}; hashed ${all.hashed.map(seconds).join(', ')}`,
  );
  console.log(
    `hashing in the read pass: ${transferOverhead.toFixed(1)}% of the baseline's wall time (goal <= 10%)`,
  );
  console.log(`including the digest tagging: ${overhead.toFixed(1)}%`);
} finally {
  await cleanup();
}

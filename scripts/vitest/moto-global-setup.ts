// Vitest global setup for projects that need S3/SageMaker: one moto server shared by every
// project that lists this file (global setups run in one process), stopped after the last.
// The URL is exposed as MODELSHIP_MOTO_URL and through inject('motoUrl').
import type { TestProject } from 'vitest/node';
import { startMotoServer } from '../moto.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

let shared: Promise<{ url: string; stop: () => Promise<void> }> | undefined;
let users = 0;

export default async function setup(project: TestProject) {
  users += 1;
  shared ??= startMotoServer();
  const server = await shared;
  process.env.MODELSHIP_MOTO_URL = server.url;
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  process.env.AWS_REGION ??= 'us-east-1';
  project.provide('motoUrl', server.url);
  return async () => {
    users -= 1;
    if (users === 0 && shared) {
      const current = shared;
      shared = undefined;
      await (await current).stop();
    }
  };
}

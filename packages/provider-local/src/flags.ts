// How each setting of ./settings.ts appears as a flag of `modelship-local` and an environment
// variable. Plain data, free of zod: `modelship-local --help` reads only this.
import type { SettingFlag } from '@modelship/core';
import type { LocalProviderSettings } from './settings.js';

export const settingFlags = {
  root: {
    description: 'store directory (default ./.modelship)',
    env: 'MODELSHIP_LOCAL_ROOT',
  },
  host: {
    description: 'interface the inference servers bind (default 127.0.0.1)',
    env: 'MODELSHIP_LOCAL_HOST',
  },
  startTimeoutMs: {
    type: 'number',
    description: 'how long a server may take to verify its model and listen, in ms (default 15000)',
    env: 'MODELSHIP_LOCAL_START_TIMEOUT_MS',
  },
  train: {
    type: 'json',
    flag: false,
    description: 'default training command {command, args, cwd, env, timeoutMs} (config file only)',
  },
} satisfies Record<keyof LocalProviderSettings, SettingFlag>;

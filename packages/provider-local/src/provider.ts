import { join, resolve } from 'node:path';
import type { DeployResult, ProviderContext, ProviderV1 } from '@modelship/core';
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import { type StoreLayout, storeLayout } from './client.js';
import {
  type DeploymentRecord,
  deployStage,
  listDeployments,
  rollbackStage,
  undeployStage,
} from './deploy.js';
import { stopRecordedServers } from './servers.js';
import { checkSettings, defaultStartTimeoutMs, type LocalProviderSettings } from './settings.js';
import { stageStatus } from './status.js';
import { type AliasBoard, applyTag, readAliases } from './tag.js';
import { runTraining } from './train.js';
import { uploadToStore } from './upload.js';

export const localCapabilities = capabilitiesExcept();

export interface LocalProvider extends ProviderV1 {
  readonly name: 'local';
  readonly root: string;
  status: NonNullable<ProviderV1['status']>;
  undeploy: NonNullable<ProviderV1['undeploy']>;
  describe: NonNullable<ProviderV1['describe']>;
  /** Restores what served `stage` before its last deploy; a second rollback swaps back. */
  rollback(input: { model: string; stage: string }, context: ProviderContext): Promise<DeployResult>;
  /** Every running deployment under this store. */
  deployments(): Promise<DeploymentRecord[]>;
  /** Stops every server this store started (what a demo or test calls on its way out). */
  undeployAll(context: ProviderContext): Promise<number>;
  aliases(model: string): Promise<AliasBoard>;
}

/** The embedded, offline provider. No side effects until a method is called. */
export function createLocalProvider(given: LocalProviderSettings = {}): LocalProvider {
  const settings = checkSettings(given);
  const root = resolve(settings.root ?? join(process.cwd(), '.modelship'));
  let layout: StoreLayout | undefined;
  const store = () => (layout ??= storeLayout(root));
  const server = { host: settings.host, startTimeoutMs: settings.startTimeoutMs };
  return {
    specificationVersion: 'v1',
    name: 'local',
    root,
    capabilities: localCapabilities,
    // Every promotion decision becomes an alias on the local board: `status` shows what the ledger says.
    promotionTags: ['champion', 'challenger', 'approved', 'rejected'],
    upload: (input, context) => uploadToStore(store(), input, context),
    train: (input, context) => runTraining(store(), settings.train, input, context),
    tag: (input, context) => applyTag(store(), input, context),
    deploy: (input, context) => deployStage(store(), server, input, context),
    status: (input, context) => stageStatus(store(), input, context),
    undeploy: (input, context) => undeployStage(store(), input, context),
    describe: async () => ({
      name: 'local',
      settings: {
        root,
        host: settings.host ?? '127.0.0.1',
        train: settings.train?.command ?? null,
        startTimeoutMs: settings.startTimeoutMs ?? defaultStartTimeoutMs,
      },
      capabilities: localCapabilities,
    }),
    rollback: (input, context) => rollbackStage(store(), server, input, context),
    deployments: () => listDeployments(store()),
    async undeployAll(context) {
      const records = await listDeployments(store());
      for (const record of records) {
        await undeployStage(store(), { model: { name: record.model }, stage: record.stage }, context);
      }
      // Servers whose deploy was killed before its deployment record was written.
      return records.length + (await stopRecordedServers(store().servers));
    },
    aliases: (model) => readAliases(store(), model),
  };
}

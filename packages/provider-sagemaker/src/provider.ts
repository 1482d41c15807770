import type { ProviderV1, StatusInput, StatusResult } from '@modelship/core';
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import { deploy, undeploy } from './deploy.js';
import {
  checkSettings,
  type ResolvedSettings,
  resolveSettings,
  type SageMakerProviderSettings,
} from './settings.js';
import { status } from './status.js';
import { externalApproval, tagVersion } from './tag.js';
import { train } from './train.js';
import { uploadModel } from './upload.js';

export const sageMakerCapabilities = capabilitiesExcept();

export type SageMakerProvider = ProviderV1 & {
  readonly name: 'sagemaker';
  status(input: StatusInput, context: Parameters<ProviderV1['train']>[1]): Promise<StatusResult>;
  undeploy: NonNullable<ProviderV1['undeploy']>;
  describe: NonNullable<ProviderV1['describe']>;
};

/** The SageMaker provider. Side-effect free: clients, credentials and the environment are read at call time. */
export function createSageMakerProvider(given: SageMakerProviderSettings = {}): SageMakerProvider {
  const checked = checkSettings(given); // a bad setting fails here, before any call
  let resolved: ResolvedSettings | undefined;
  const settings = () => (resolved ??= resolveSettings(checked));
  return {
    specificationVersion: 'v1',
    name: 'sagemaker',
    capabilities: sageMakerCapabilities,
    // Approvals and rejections recorded in modelship are mirrored to the model registry.
    promotionTags: ['approved', 'rejected'],
    tagsBeforeDeploy: ['approved'],
    upload: async (input, context) => uploadModel(settings(), input, context),
    train: async (input, context) => train(settings(), input, context),
    tag: async (input, context) => tagVersion(settings(), input, context),
    externalApproval: async (input, context) => externalApproval(settings(), input, context),
    deploy: async (input, context) => deploy(settings(), input, context),
    status: async (input, context) => status(settings(), input, context),
    undeploy: async (input, context) => undeploy(settings(), input, context),
    describe: async () => ({
      name: 'sagemaker',
      settings: settings().describe(),
      capabilities: sageMakerCapabilities,
    }),
  };
}

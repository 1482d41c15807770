// A provider declares what it lacks, not a nine-line table of what it has.
import type { ProviderCapabilities } from '../contract/provider.js';

const everything: ProviderCapabilities = {
  upload: true,
  train: true,
  tag: true,
  deploy: true,
  status: true,
  undeploy: true,
  describe: true,
  rollback: true,
  abort: true,
};

/** Every capability, minus the ones named: `capabilitiesExcept('undeploy', 'rollback')`. */
export function capabilitiesExcept(...lacking: Array<keyof ProviderCapabilities>): ProviderCapabilities {
  const capabilities = { ...everything };
  for (const name of lacking) capabilities[name] = false;
  return capabilities;
}

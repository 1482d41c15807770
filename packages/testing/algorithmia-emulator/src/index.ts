// Test kit: the Algorithmia API emulator, for this package's tests and the runnable example.
export type { AlgorithmRuntime, Build, EmulatedAlgorithm, PublishedVersion } from './algorithms.js';
export type { DataStore } from './data-store.js';
export {
  type AlgorithmiaEmulator,
  type AlgorithmiaEmulatorOptions,
  type InjectedFault,
  type RecordedRequest,
  startAlgorithmiaEmulator,
} from './server.js';

// Test kit: the MLRun API emulator, for this package's tests and the example.
export {
  type MlrunEmulator,
  type MlrunEmulatorOptions,
  type RecordedRequest,
  startMlrunEmulator,
  type WorkflowHandler,
  type WorkflowOutcome,
} from './server.js';

export interface SageMakerEndpointsServer {
  url: string;
  /** The next UpdateEndpoint of `endpointName` rolls back with this FailureReason. */
  failNextUpdate(endpointName: string, reason: string): Promise<void>;
  stop(): Promise<void>;
}
/** Starts the endpoint-lifecycle server in front of a running moto server (see index.mjs). */
export function startSageMakerEndpoints(options: {
  motoUrl: string;
  polls?: number;
}): Promise<SageMakerEndpointsServer>;
export function failNextUpdate(serverUrl: string, endpointName: string, reason: string): Promise<void>;

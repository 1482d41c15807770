export function freePort(): Promise<number>;
export function startMotoServer(options?: {
  timeoutMs?: number;
}): Promise<{ url: string; port: number; stop: () => Promise<void> }>;

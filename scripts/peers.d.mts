export const peerGroups: Record<string, string[]>;
export function venvDir(group?: string): string;
export function venvBin(name: string, group?: string): string;
export function ensurePeers(groups?: string[]): void;
export function peersReady(group?: string): boolean;
export const nodePeers: Record<string, string>;
export function nodeBin(name: string): string;
export function nodePeerReady(name: string): boolean;

// The double's stand-in for a container registry: `pachctl-double push-image <image:tag> <dir>`
// (what `docker push` is in real life) copies a directory that holds the transform's code; a job
// whose image was never pushed fails the way a pod does on ErrImagePull.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PachError, type Store } from './state.js';

function slot(store: Store, image: string): string {
  return join(store.dir, 'images', encodeURIComponent(image));
}

export function pushImage(store: Store, image: string, dir: string): void {
  if (!/^[\w./-]+(:[\w.-]+)?$/.test(image)) throw new PachError(`invalid image reference "${image}"`);
  if (!existsSync(dir)) throw new PachError(`push-image: ${dir} does not exist`);
  const target = slot(store, image.includes(':') ? image : `${image}:latest`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(dir, target, { recursive: true });
}

export function imageDir(store: Store, image: string): string | undefined {
  const target = slot(store, image.includes(':') ? image : `${image}:latest`);
  return existsSync(target) ? target : undefined;
}

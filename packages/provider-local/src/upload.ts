// upload: the model is copied into `artifacts/<sha256>/` beside its manifest. The directory is
// named by the content, so identical content lands in the same place and a repeat is a no-op.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProviderContext, UploadInput, UploadResult } from '@modelship/core';
import { manifestFileName, uploadWithManifest } from '@modelship/core/provider-kit';
import { randomId, type StoreLayout } from './client.js';

export function artifactRefs(dir: string): Record<string, string> {
  return { artifactDir: dir, artifactUri: pathToFileURL(dir).href };
}

export function uploadToStore(
  layout: StoreLayout,
  input: UploadInput,
  context: ProviderContext,
): Promise<UploadResult> {
  return uploadWithManifest(input, context, {
    target({ manifest, manifestDigest }) {
      const dir = join(layout.artifacts, manifest.digest.value);
      const refs = artifactRefs(dir);
      // Files go to a staging directory renamed into place at the end: the store never shows half a model.
      const staging = join(layout.artifacts, `.incoming-${randomId()}`);
      return {
        uri: refs.artifactUri!,
        refs,
        stored: async () => (existsSync(join(dir, manifestFileName)) ? manifestDigest : undefined),
        async putFile(file) {
          const target = join(staging, file.path);
          await mkdir(dirname(target), { recursive: true });
          await copyFile(file.absolutePath, target);
        },
        async putManifest() {
          const manifestApi = await import('@modelship/manifest');
          await manifestApi.writeManifest(join(staging, manifestFileName), {
            ...manifest,
            storage: { uri: refs.artifactUri! },
          });
          // The copy is checked against the manifest, so a file changed mid-copy never enters the store.
          await manifestApi.assertModel(join(staging, manifestFileName));
          try {
            await rename(staging, dir);
          } catch (error) {
            // Another process stored the same content first: theirs is identical, keep it.
            if (!existsSync(join(dir, manifestFileName))) throw error;
            return 'already-stored';
          }
        },
        cleanup: () => rm(staging, { recursive: true, force: true }),
      };
    },
  });
}

/** 1 MiB: large enough that syscalls and hash-call overhead vanish next to the hashing itself. */
export const readBufferSize = 1 << 20;

export const modelshipSchemaId = 'modelship.manifest/v1';
export const modelshipManifestFileName = 'modelship.manifest.json';
export const algorithmiaManifestFileName = 'model_manifest.json';

import { packageBuild } from '../../../tsup.base.js';

// main is run as its own process (bin/pachctl-double.mjs), resolved next to the built code.
export default packageBuild(['src/index.ts', 'src/main.ts']);

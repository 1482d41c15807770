import { packageBuild } from '../../tsup.base.js';

// server-main is started as its own process by `deploy`, resolved next to the built code.
export default packageBuild(['src/index.ts', 'src/cli.ts', 'src/server-main.ts']);

// `npm run check` runs this over packages/core/src: no import cycles, and the layers below the
// promotion engine (ledger, state, config, notify, contract) never import from it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes a module impossible to read (or load) on its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'layers-below-promotion',
      severity: 'error',
      comment:
        'ledger/, state/, config/, notify/ and contract/ sit below promotion/; errors live with the layer that throws them.',
      from: { path: '^packages/core/src/(ledger|state|config|notify|contract)/' },
      to: { path: '^packages/core/src/promotion/' },
    },
    {
      name: 'decisions-are-pure',
      severity: 'error',
      comment: 'A decision reads no ledger and calls no provider: it may not import the I/O around it.',
      from: { path: '^packages/core/src/promotion/decisions/' },
      to: {
        path: '^packages/core/src/(ledger/(file|s3|memory)-ledger|ledger/store|notify/|promotion/(commit|deploy-saga|promoter|mirror|operations))',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};

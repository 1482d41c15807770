#!/usr/bin/env node
import { runManifestCli } from '../dist/cli.js';

process.exitCode = await runManifestCli(process.argv.slice(2));

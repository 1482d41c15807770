#!/usr/bin/env node
import { runWrapper } from '../dist/wrapper.js';

process.exitCode = await runWrapper('pachyderm', process.argv.slice(2));

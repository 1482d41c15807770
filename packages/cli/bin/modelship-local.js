#!/usr/bin/env node
import { runWrapper } from '../dist/wrapper.js';

process.exitCode = await runWrapper('local', process.argv.slice(2));

#!/usr/bin/env node
import { runWrapper } from '../dist/wrapper.js';

process.exitCode = await runWrapper('iguazio', process.argv.slice(2));

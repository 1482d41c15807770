#!/usr/bin/env node
import { runWrapper } from '../dist/wrapper.js';

process.exitCode = await runWrapper('metaflow', process.argv.slice(2));

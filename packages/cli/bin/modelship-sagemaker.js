#!/usr/bin/env node
import { runWrapper } from '../dist/wrapper.js';

process.exitCode = await runWrapper('sagemaker', process.argv.slice(2));

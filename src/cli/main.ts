#!/usr/bin/env node
// dots-family-ctl: the command-line client of the DOTS Family helper. See program.ts for the commands.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));

#!/usr/bin/env node
// dots-family-ctl: the command-line client of the DOTS Family helper. See program.ts for the commands.
import { run } from './program.js';

// `dots-family-ctl ... | head`: the reader has gone, so there is nobody to tell; stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2));

// A real helper as a separate process (the CLI from the tree, or an installed wrapper), so a stop is a real SIGTERM
// and a real exit; and which BPF links a pin directory holds, read with bpftool.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { HelperClient } from '../../src/shared/client/helper-client.js';
import { waitFor } from './accounts.js';

export interface HelperProcess {
  child: ChildProcess;
  /** stdout and stderr so far (the helper's log). */
  output(): string;
  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  stop(): Promise<number | null>;
}

export function spawnHelper(command: string, args: string[], env: NodeJS.ProcessEnv = {}): HelperProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Connects once the helper listens (a cold tsx start on a busy machine takes a while). */
export async function connectWhenReady(socketPath: string, helper: HelperProcess, timeoutMs = 90_000): Promise<HelperClient> {
  return waitFor(
    async () => {
      if (helper.child.exitCode !== null) throw new Error(`helper exited early:\n${helper.output()}`);
      try {
        return await HelperClient.connect(socketPath, { timeoutMs: 2000 });
      } catch {
        return null;
      }
    },
    { timeoutMs, intervalMs: 200, what: `the helper to listen on ${socketPath}` },
  );
}

/** Every pin (file) under a bpffs directory. */
export function pinsUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pinsUnder(full) : [full];
  });
}

/** Ids of the programs behind the links pinned under `dir`. */
export function pinnedProgramIds(dir: string): number[] {
  return pinsUnder(dir)
    .filter((pin) => path.basename(pin).startsWith('link_'))
    .map((pin) => {
      const link = JSON.parse(execFileSync('bpftool', ['-j', 'link', 'show', 'pinned', pin], { encoding: 'utf8' })) as {
        prog_id: number;
      };
      return link.prog_id;
    });
}

/** Ids of every BPF program loaded in the kernel now. */
export function loadedProgramIds(): Set<number> {
  const programs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'list'], { encoding: 'utf8' })) as Array<{ id: number }>;
  return new Set(programs.map((p) => p.id));
}

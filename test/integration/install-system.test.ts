// scripts/install-system.sh and uninstall-system.sh for real (root), into a temporary root instead of /usr and /etc:
// the installed helper runs from its wrapper with a temporary database, socket and pin dir, the installed
// dots-family-ctl talks to it, and after the uninstall nothing of it is left loaded in the kernel or on disk.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorStatus } from '../../src/shared/events.js';
import { waitFor } from '../support/accounts.js';
import {
  connectWhenReady,
  loadedProgramIds,
  pinnedProgramIds,
  pinsUnder,
  spawnHelper,
  type HelperProcess,
} from '../support/helper-child.js';
import { kernelTestsEnabled } from '../support/kernel.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const GROUP = 'dots-test-parents';

async function script(name: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('bash', [path.join(REPO, 'scripts', name), ...args], {
      cwd: REPO,
      maxBuffer: 16 << 20,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

function groupExists(name: string): boolean {
  return readFileSync('/etc/group', 'utf8').split('\n').some((line) => line.startsWith(`${name}:`));
}

describe.skipIf(!kernelTestsEnabled())('install-system and uninstall-system', () => {
  const root = mkdtempSync('/tmp/dots-install-');
  chmodSync(root, 0o755);
  const prefix = path.join(root, 'usr/lib/dots-family');
  const bindir = path.join(root, 'usr/bin');
  const etc = path.join(root, 'etc');
  const datadir = path.join(root, 'usr/share');
  const stateDir = path.join(root, 'var/lib/dots-family');
  const socket = path.join(root, 'run/dots-family/helper.sock');
  const pinDir = `/sys/fs/bpf/dots-test-install-${process.pid}`;
  const installArgs = ['--prefix', prefix, '--bindir', bindir, '--etc', etc, '--datadir', datadir, '--group', GROUP];
  const uninstallArgs = [...installArgs, '--state-dir', stateDir, '--socket', socket, '--pin-dir', pinDir];
  let helper: HelperProcess | null = null;
  let attachedPrograms: number[] = [];
  let monitorProbes = 0;

  const startInstalledHelper = async () => {
    helper = spawnHelper(path.join(bindir, 'dots-family-helper'), [
      '--db', path.join(stateDir, 'dots.db'),
      '--socket', socket,
      '--pin-dir', pinDir,
      '--keep-attached-on-exit',
    ]);
    await (await connectWhenReady(socket, helper)).close();
    return helper;
  };

  afterAll(async () => {
    await helper?.stop();
    await script('uninstall-system.sh', [...uninstallArgs, '--purge']);
    rmSync(root, { recursive: true, force: true });
  });

  it('installs the helper, the CLI, the unit, the polkit action and the parents group', async () => {
    const { code, output } = await script('install-system.sh', [...installArgs, '--no-start']);
    expect(code, output).toBe(0);
    for (const wrapper of ['dots-family-helper', 'dots-family-ctl']) {
      expect(statSync(path.join(bindir, wrapper)).mode & 0o111).toBe(0o111);
    }
    expect(existsSync(path.join(prefix, 'dist/helper/cli.js'))).toBe(true);
    expect(existsSync(path.join(prefix, 'build/bpf/memory-monitor.bpf.o'))).toBe(true);
    for (const pkg of ['better-sqlite3', 'koffi', 'zod', 'commander']) {
      expect(existsSync(path.join(prefix, 'node_modules', pkg, 'package.json')), pkg).toBe(true);
    }
    const unit = readFileSync(path.join(etc, 'systemd/system/dots-family-helper.service'), 'utf8');
    expect(unit).toContain(
      `ExecStart=${bindir}/dots-family-helper --db /var/lib/dots-family/dots.db --socket /run/dots-family/helper.sock --parents-group ${GROUP}`,
    );
    const policy = readFileSync(path.join(datadir, 'polkit-1/actions/org.dots-family.helper.policy'), 'utf8');
    expect(policy).toContain(`<annotate key="org.freedesktop.policykit.exec.path">${bindir}/dots-family-helper</annotate>`);
    expect(groupExists(GROUP)).toBe(true);
    // systemd is not running here, but its verifier is: the unit parses and names an executable that exists.
    const verify = await run('systemd-analyze', ['verify', path.join(etc, 'systemd/system/dots-family-helper.service')]);
    expect(verify.stderr).toBe('');
  });

  it('installs again over itself (an upgrade) with the same result', async () => {
    const { code, output } = await script('install-system.sh', [...installArgs, '--no-start']);
    expect(code, output).toBe(0);
    expect(existsSync(path.join(prefix, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(`${prefix}.new`) || existsSync(`${prefix}.old`)).toBe(false);
  });

  it('--check of the installed helper finds its BPF objects and attaches every monitor', async () => {
    const { stdout } = await run(path.join(bindir, 'dots-family-helper'), ['--check', '--json']);
    const result = JSON.parse(stdout) as { ok: boolean; monitors: MonitorStatus[] };
    expect(result.monitors.map((m) => [m.name, m.state])).toEqual([
      ['process-monitor', 'ok'],
      ['filesystem-monitor', 'ok'],
      ['network-monitor', 'ok'],
      ['memory-monitor', 'ok'],
      ['disk-io-monitor', 'ok'],
    ]);
  });

  it('runs the installed helper, and the installed dots-family-ctl talks to it', async () => {
    await startInstalledHelper();
    const { stdout } = await run(path.join(bindir, 'dots-family-ctl'), ['--socket', socket, 'status', '--json']);
    const status = JSON.parse(stdout) as { helper: { socketPath: string }; monitors: MonitorStatus[] };
    expect(status.helper.socketPath).toBe(socket);
    expect(status.monitors.map((m) => m.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    monitorProbes = status.monitors.reduce((n, m) => n + m.probesAttached, 0);
  });

  it('leaves its programs attached when stopped with --keep-attached-on-exit, and a new one takes them over', async () => {
    expect(await helper!.stop()).toBe(0);
    attachedPrograms = pinnedProgramIds(pinDir);
    // Every monitor probe; the network limiter attaches only while a child has a network limit (none here).
    expect(monitorProbes).toBeGreaterThan(0);
    expect(attachedPrograms.length).toBe(monitorProbes);
    const loaded = loadedProgramIds();
    expect(attachedPrograms.filter((id) => !loaded.has(id))).toEqual([]);

    await startInstalledHelper();
    // The allocation probes stay idle: no child has an allocation limit.
    expect(helper!.output()).toMatch(/memory-monitor: ok, 3\/7 probes \(4 idle\) \(taken over from the previous helper/);
    expect(pinnedProgramIds(pinDir).sort()).toEqual([...attachedPrograms].sort());
  });

  it('uninstalls: stops the running helper, detaches everything, removes its files, keeps the database', async () => {
    const running = helper!;
    const { code, output } = await script('uninstall-system.sh', uninstallArgs);
    expect(code, output).toBe(0);
    expect(await running.stop()).toBe(0);
    helper = null;
    expect(output).toMatch(/stopping the helper \(pid \d+\)/);

    expect(pinsUnder(pinDir)).toEqual([]);
    expect(existsSync(pinDir)).toBe(false);
    // The kernel frees a detached program after an RCU grace period, not at once.
    await waitFor(() => attachedPrograms.every((id) => !loadedProgramIds().has(id)), {
      what: 'the installed helper programs to be unloaded',
      timeoutMs: 10_000,
    });
    for (const gone of [prefix, path.join(bindir, 'dots-family-helper'), path.join(bindir, 'dots-family-ctl')]) {
      expect(existsSync(gone), gone).toBe(false);
    }
    expect(existsSync(path.join(etc, 'systemd/system/dots-family-helper.service'))).toBe(false);
    expect(existsSync(path.join(datadir, 'polkit-1/actions/org.dots-family.helper.policy'))).toBe(false);
    expect(existsSync(path.join(stateDir, 'dots.db'))).toBe(true);
    expect(output).toContain('kept the database');
  });

  it('uninstall --purge removes the database and the group', async () => {
    const { code, output } = await script('uninstall-system.sh', [...uninstallArgs, '--purge']);
    expect(code, output).toBe(0);
    expect(existsSync(stateDir)).toBe(false);
    expect(groupExists(GROUP)).toBe(false);
  });
});

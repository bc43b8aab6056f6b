import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/helper/log.js';
import { ProcessTerminator, processesOfAccounts, readProcess } from '../../../src/helper/time/terminate.js';

/** A fake /proc with the files the terminator reads. */
function fakeProc(root: string, pid: number, comm: string, uid: number, startTicks = 1000, state = 'S'): void {
  mkdirSync(path.join(root, String(pid)), { recursive: true });
  const fields = [state, '1', String(pid), String(pid), '0', '-1', '0', ...Array(12).fill('0'), String(startTicks), '0'];
  writeFileSync(path.join(root, String(pid), 'stat'), `${pid} (${comm}) ${fields.join(' ')}\n`);
  writeFileSync(path.join(root, String(pid), 'status'), `Name:\t${comm}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
}

describe('reading /proc', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'dots-proc-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('parses a comm containing spaces and parentheses', () => {
    fakeProc(root, 42, 'evil) (x', 1001, 777);
    expect(readProcess(42, root)).toEqual({
      pid: 42,
      comm: 'evil) (x',
      realUid: 1001,
      effectiveUid: 1001,
      state: 'S',
      startTicks: '777',
    });
    expect(readProcess(43, root)).toBeNull();
  });

  it('finds the processes of the given accounts, skipping zombies', () => {
    fakeProc(root, 10, 'firefox', 1001);
    fakeProc(root, 11, 'sshd', 0);
    fakeProc(root, 12, 'defunct', 1001, 1, 'Z');
    mkdirSync(path.join(root, 'self'));
    expect(processesOfAccounts(new Set([1001]), root).map((p) => p.pid)).toEqual([10]);
  });

  it('sends SIGTERM, then SIGKILL after the grace only to the same process', () => {
    vi.useFakeTimers();
    try {
      fakeProc(root, 10, 'game', 1001, 500);
      fakeProc(root, 11, 'stubborn', 1001, 600);
      const signals: string[] = [];
      const terminator = new ProcessTerminator({
        log: silentLogger,
        graceMs: 3000,
        procRoot: root,
        kill: (pid, signal) => void signals.push(`${pid}:${signal}`),
      });
      const targets = processesOfAccounts(new Set([1001]), root);
      expect(terminator.end(targets, 'test').map((p) => p.pid)).toEqual([10, 11]);
      expect(terminator.end(targets, 'again')).toEqual([]); // already ending: not signalled twice
      expect(signals).toEqual(['10:SIGTERM', '11:SIGTERM']);
      rmSync(path.join(root, '10'), { recursive: true }); // the game exited
      fakeProc(root, 11, 'other', 1001, 999); // pid 11 reused by another process
      vi.advanceTimersByTime(3000);
      expect(signals).toEqual(['10:SIGTERM', '11:SIGTERM']);

      fakeProc(root, 12, 'stubborn', 1001, 700);
      terminator.end(processesOfAccounts(new Set([1001]), root).filter((p) => p.pid === 12), 'test');
      vi.advanceTimersByTime(3000);
      expect(signals.slice(-2)).toEqual(['12:SIGTERM', '12:SIGKILL']);
      terminator.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts a process that is already gone as not signalled', () => {
    const terminator = new ProcessTerminator({
      log: silentLogger,
      kill: () => {
        throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      },
    });
    const gone = { pid: 1, comm: 'x', realUid: 1, effectiveUid: 1, startTicks: '1', state: 'S' };
    expect(terminator.end([gone], 't')).toEqual([]);
  });
});

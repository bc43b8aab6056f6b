import { describe, expect, it } from 'vitest';
import {
  UnsafePathError,
  decideHelperStart,
  helperStartCommand,
  quotePath,
  type LauncherEnvironment,
} from '../../../src/main/helper-launcher.js';

const EXE = '/opt/DOTS Family/dots-family';
const ENTRY = '/opt/DOTS Family/resources/helper/dist/helper/cli.js';

function env(existing: string[], overrides: Partial<LauncherEnvironment> = {}): LauncherEnvironment {
  const files = new Set(existing);
  return { fileExists: (p) => files.has(p), executablePath: EXE, helperEntryPath: ENTRY, ...overrides };
}

describe('decideHelperStart', () => {
  it('tells the parent to use systemctl when a systemd unit is installed in /etc', () => {
    const advice = decideHelperStart(env(['/etc/systemd/system/dots-family-helper.service', ENTRY]));
    expect(advice).toEqual({
      kind: 'systemd',
      unitPath: '/etc/systemd/system/dots-family-helper.service',
      command: 'sudo systemctl start dots-family-helper',
    });
  });

  it('finds the unit the package installs under /lib and /usr/lib too', () => {
    expect(decideHelperStart(env(['/lib/systemd/system/dots-family-helper.service'])).kind).toBe('systemd');
    expect(decideHelperStart(env(['/usr/lib/systemd/system/dots-family-helper.service'])).kind).toBe('systemd');
  });

  it('offers the password prompt when no unit manages the helper and the helper is shipped', () => {
    expect(decideHelperStart(env([ENTRY]))).toEqual({ kind: 'prompt', helperPath: ENTRY });
  });

  it('says the helper is missing when it is not installed', () => {
    const advice = decideHelperStart(env([]));
    expect(advice.kind).toBe('unavailable');
    expect(advice.kind === 'unavailable' && advice.reason).toContain(ENTRY);
  });

  it('does not offer the prompt when the install path cannot be quoted safely', () => {
    const advice = decideHelperStart(env(['/opt/x$(id)/cli.js'], { helperEntryPath: '/opt/x$(id)/cli.js' }));
    expect(advice.kind).toBe('unavailable');
  });
});

describe('helperStartCommand', () => {
  it('is a fixed command line: detached, run by the app executable as Node, fixed paths, logged', () => {
    expect(helperStartCommand(env([ENTRY]))).toBe(
      "setsid -f env ELECTRON_RUN_AS_NODE=1 '/opt/DOTS Family/dots-family' " +
        "'/opt/DOTS Family/resources/helper/dist/helper/cli.js' --db '/var/lib/dots-family/dots.db' " +
        "--socket '/run/dots-family/helper.sock' </dev/null >>'/var/log/dots-family-helper.log' 2>&1",
    );
  });

  it('contains nothing the outer double-quoted shell string would expand', () => {
    const command = helperStartCommand(env([ENTRY]));
    expect(command).not.toMatch(/[$`\\"!]/);
  });
});

describe('quotePath', () => {
  it('single-quotes absolute paths with spaces', () => {
    expect(quotePath('/opt/DOTS Family/x')).toBe("'/opt/DOTS Family/x'");
  });

  it.each([
    ['relative/path'],
    ["/opt/it's"],
    ['/opt/$HOME'],
    ['/opt/`id`'],
    ['/opt/a"b'],
    ['/opt/a\\b'],
    ['/opt/a\nb'],
    ['/opt/../etc/shadow'],
    ['/opt/a!b'],
    ['/opt/a;b'],
  ])('refuses %j', (path) => {
    expect(() => quotePath(path)).toThrow(UnsafePathError);
  });
});

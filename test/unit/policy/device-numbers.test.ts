import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatDevice,
  fromKernelDev,
  fromUserspaceDev,
  kernelDevFromUserspace,
  parseDevice,
  toKernelDev,
} from '../../../src/helper/policy/device-numbers.js';

describe('device numbers', () => {
  it("encodes the kernel's dev_t as major << 20 | minor", () => {
    expect(toKernelDev({ major: 254, minor: 0 })).toBe(254 << 20);
    expect(toKernelDev({ major: 8, minor: 17 })).toBe((8 << 20) | 17);
    expect(toKernelDev({ major: 4095, minor: 0xfffff })).toBe(0xffffffff);
    expect(fromKernelDev((259 << 20) | 3)).toEqual({ major: 259, minor: 3 });
  });

  it("decodes glibc's userspace dev_t (minor in bits 0-7 and 20-31, major in 8-19 and 32-43)", () => {
    expect(fromUserspaceDev(0xfe00)).toEqual({ major: 254, minor: 0 }); // /dev/vda: st_dev 65024
    expect(fromUserspaceDev(0x0811)).toEqual({ major: 8, minor: 17 }); // /dev/sdb1
    expect(fromUserspaceDev(0x10300)).toEqual({ major: 259, minor: 0 }); // nvme0n1: major above 255
    expect(fromUserspaceDev(0x00100103)).toEqual({ major: 1, minor: 259 }); // a minor above 255
    expect(fromUserspaceDev((1n << 44n) | 0x0800n)).toEqual({ major: 8 | (1 << 12), minor: 0 }); // major bit 12 at bit 44
  });

  it('converts fs.Stats.dev to the encoding BLOCKED_EXES and exec records use', () => {
    expect(kernelDevFromUserspace(0xfe01)).toBe((254 << 20) | 1);
    expect(kernelDevFromUserspace(0x0811n)).toBe((8 << 20) | 17);
    // the two encodings differ for every real device: comparing them unconverted would never match
    const dev = statSync('/').dev;
    expect(fromKernelDev(kernelDevFromUserspace(dev))).toEqual(fromUserspaceDev(dev));
  });

  it('refuses devices the kernel encoding cannot hold', () => {
    expect(() => toKernelDev({ major: 4096, minor: 0 })).toThrow(RangeError);
    expect(() => toKernelDev({ major: 1, minor: 1 << 20 })).toThrow(RangeError);
  });

  it('formats and parses major:minor', () => {
    expect(formatDevice({ major: 254, minor: 0 })).toBe('254:0');
    expect(parseDevice(' 8:17\n')).toEqual({ major: 8, minor: 17 });
    expect(parseDevice('sda')).toBeNull();
  });
});

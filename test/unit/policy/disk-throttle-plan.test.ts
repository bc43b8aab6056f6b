import { describe, expect, it } from 'vitest';
import {
  chooseBackend,
  realUidFromStatus,
  throttleWrites,
  uniqueDevices,
} from '../../../src/helper/policy/disk-throttle-plan.js';
import { parseMountinfo } from '../../../src/helper/policy/mountinfo.js';

const HYBRID = parseMountinfo(`27 1 254:0 / / rw - ext4 /dev/vda rw
38 31 0:35 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
`);
const UNIFIED = parseMountinfo(`22 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw
25 22 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw
`);
const throttleFiles = () => true;

describe('chooseBackend', () => {
  it('prefers cgroup2 io.max when the v2 hierarchy has the io controller', () => {
    expect(chooseBackend(UNIFIED, { cgroup2Controllers: 'cpuset cpu io memory pids\n', blkioThrottleFiles: throttleFiles })).toEqual({
      backend: 'cgroup2-io',
      hierarchyRoot: '/sys/fs/cgroup',
    });
  });

  it('uses v1 blkio on a hybrid system whose cgroup2 has no io controller', () => {
    expect(chooseBackend(HYBRID, { cgroup2Controllers: 'hugetlb\n', blkioThrottleFiles: throttleFiles })).toEqual({
      backend: 'cgroup1-blkio',
      hierarchyRoot: '/sys/fs/cgroup/blkio',
    });
  });

  it('explains why neither is usable', () => {
    expect(chooseBackend(UNIFIED, { cgroup2Controllers: 'cpu memory', blkioThrottleFiles: throttleFiles })).toEqual({
      backend: null,
      reason: 'the cgroup2 hierarchy at /sys/fs/cgroup has no io controller and no cgroup v1 blkio hierarchy is mounted',
    });
    expect(chooseBackend(HYBRID, { cgroup2Controllers: null, blkioThrottleFiles: () => false })).toMatchObject({
      backend: null,
      reason: expect.stringMatching(/CONFIG_BLK_DEV_THROTTLING/),
    });
    expect(chooseBackend([], { cgroup2Controllers: null, blkioThrottleFiles: throttleFiles })).toMatchObject({
      backend: null,
      reason: 'neither cgroup2 (with the io controller) nor cgroup v1 blkio is mounted',
    });
  });
});

describe('throttleWrites', () => {
  const devices = [{ major: 254, minor: 0 }, { major: 8, minor: 0 }];

  it('writes one v1 rule per device and direction; null lifts a direction with 0', () => {
    expect(throttleWrites('cgroup1-blkio', devices, { readBytesPerSecond: 8e6, writeBytesPerSecond: null })).toEqual([
      { file: 'blkio.throttle.read_bps_device', line: '254:0 8000000' },
      { file: 'blkio.throttle.write_bps_device', line: '254:0 0' },
      { file: 'blkio.throttle.read_bps_device', line: '8:0 8000000' },
      { file: 'blkio.throttle.write_bps_device', line: '8:0 0' },
    ]);
  });

  it('writes one io.max line per device; null is "max"', () => {
    expect(throttleWrites('cgroup2-io', devices.slice(0, 1), { readBytesPerSecond: null, writeBytesPerSecond: 1234.6 })).toEqual([
      { file: 'io.max', line: '254:0 rbps=max wbps=1235' },
    ]);
  });
});

describe('helpers', () => {
  it('reads the real uid from /proc/<pid>/status', () => {
    expect(realUidFromStatus('Name:\tbash\nUid:\t1001\t0\t0\t0\nGid:\t100\t100\t100\t100\n')).toBe(1001);
    expect(realUidFromStatus('Name:\tkthreadd\n')).toBeNull();
  });

  it('de-duplicates devices (/ and /home on the same disk)', () => {
    expect(uniqueDevices([{ major: 254, minor: 0 }, { major: 254, minor: 0 }, { major: 8, minor: 0 }])).toEqual([
      { major: 254, minor: 0 },
      { major: 8, minor: 0 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  cgroup1ControllerMountPoint,
  cgroup2MountPoint,
  mountOf,
  parseMountinfo,
} from '../../../src/helper/policy/mountinfo.js';

// This machine's layout: hybrid cgroups (v1 controllers + cgroup2 at /sys/fs/cgroup/unified).
const HYBRID = `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

// A systemd distribution: pure cgroup2, / on a partition, /home on its own LVM volume, a shared-mount optional field.
const UNIFIED = `22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
60 22 253:1 / /home rw,relatime shared:30 - ext4 /dev/mapper/vg-home rw
61 22 0:40 / /media/my\\040stick rw - vfat /dev/sdb1 rw
garbage line
`;

describe('mountinfo', () => {
  it('parses device, mount point, type, source and super options', () => {
    const [root, , , , , v2] = parseMountinfo(HYBRID);
    expect(root).toEqual({
      device: { major: 254, minor: 0 },
      root: '/',
      mountPoint: '/',
      fsType: 'ext4',
      source: '/dev/vda',
      superOptions: ['rw', 'discard'],
    });
    expect(v2?.fsType).toBe('cgroup2');
  });

  it('skips malformed lines and unescapes octal escapes in paths', () => {
    const entries = parseMountinfo(UNIFIED);
    expect(entries).toHaveLength(4);
    expect(entries[3]?.mountPoint).toBe('/media/my stick');
  });

  it('finds cgroup2 on hybrid and pure-v2 systems, and none without it', () => {
    expect(cgroup2MountPoint(parseMountinfo(HYBRID))).toBe('/sys/fs/cgroup/unified');
    expect(cgroup2MountPoint(parseMountinfo(UNIFIED))).toBe('/sys/fs/cgroup');
    expect(cgroup2MountPoint(parseMountinfo('27 1 254:0 / / rw - ext4 /dev/vda rw\n'))).toBeNull();
  });

  it('finds a v1 controller by its super option, not by a name= hierarchy', () => {
    expect(cgroup1ControllerMountPoint(parseMountinfo(HYBRID), 'blkio')).toBe('/sys/fs/cgroup/blkio');
    expect(cgroup1ControllerMountPoint(parseMountinfo(HYBRID), 'systemd')).toBeNull();
    expect(cgroup1ControllerMountPoint(parseMountinfo(UNIFIED), 'blkio')).toBeNull();
  });

  it('finds the mount holding a path: the longest mount point that contains it', () => {
    const entries = parseMountinfo(UNIFIED);
    expect(mountOf(entries, '/home')?.source).toBe('/dev/mapper/vg-home');
    expect(mountOf(entries, '/home/ann/game')?.source).toBe('/dev/mapper/vg-home');
    expect(mountOf(entries, '/homework')?.source).toBe('/dev/nvme0n1p2');
    expect(mountOf(parseMountinfo(HYBRID), '/home')?.device).toEqual({ major: 254, minor: 0 });
  });
});

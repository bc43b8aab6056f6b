// Gate for tests that need the real kernel (root + BPF + built objects). Without them the tests are skipped —
// unless DOTS_REQUIRE_BPF=1 (CI), where a test that would skip fails instead, naming what is missing.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const BPF_OBJECT_DIR = path.resolve(import.meta.dirname, '../../build/bpf');

function missingKernelPrerequisite(): string | null {
  if (process.getuid?.() !== 0) return 'tests that load BPF programs must run as root';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'kernel has no BTF (/sys/kernel/btf/vmlinux)';
  if (!existsSync(path.join(BPF_OBJECT_DIR, 'process-monitor.bpf.o'))) {
    return `BPF objects are not built in ${BPF_OBJECT_DIR} (run npm run build:bpf)`;
  }
  return null;
}

/** true when kernel tests can run; throws under DOTS_REQUIRE_BPF=1 when they cannot. */
export function kernelTestsEnabled(): boolean {
  const missing = missingKernelPrerequisite();
  if (missing && process.env.DOTS_REQUIRE_BPF === '1') {
    throw new Error(`DOTS_REQUIRE_BPF=1 but kernel tests cannot run: ${missing}`);
  }
  return missing === null;
}

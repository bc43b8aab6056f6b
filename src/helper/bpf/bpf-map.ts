// Typed access to a BPF map by fd: keys and values are encoded with the layouts of bpf/events.h.
import { BPF_ANY, bpf, check, koffi } from './libbpf.js';

const numPossibleCpus = koffi.load('libbpf.so.1').func('int libbpf_num_possible_cpus()');
let possibleCpus: number | null = null;

export function possibleCpuCount(): number {
  possibleCpus ??= check('libbpf_num_possible_cpus', numPossibleCpus() as number);
  return possibleCpus;
}

export class BpfMap {
  constructor(
    readonly name: string,
    readonly fd: number,
    readonly keySize: number,
    readonly valueSize: number,
    /** Per-CPU maps return one value per possible CPU, each rounded up to 8 bytes. */
    readonly perCpu = false,
  ) {}

  private get lookupSize(): number {
    return this.perCpu ? Math.ceil(this.valueSize / 8) * 8 * possibleCpuCount() : this.valueSize;
  }

  lookup(key: Buffer): Buffer | null {
    const value = Buffer.alloc(this.lookupSize);
    const result = bpf.mapLookup(this.fd, key, value) as number;
    if (result === -2 /* ENOENT */) return null;
    check(`lookup in ${this.name}`, result);
    return value;
  }

  update(key: Buffer, value: Buffer, flags = BPF_ANY): void {
    check(`update ${this.name}`, bpf.mapUpdate(this.fd, key, value, flags) as number);
  }

  /** Deletes a key; a key that is already gone is not an error. */
  delete(key: Buffer): boolean {
    const result = bpf.mapDelete(this.fd, key) as number;
    if (result === -2) return false;
    check(`delete from ${this.name}`, result);
    return true;
  }

  /** Every key currently in a hash map. Keys that vanish during the walk are simply skipped. */
  keys(limit = 1_000_000): Buffer[] {
    const keys: Buffer[] = [];
    let previous: Buffer | null = null;
    while (keys.length < limit) {
      const next = Buffer.alloc(this.keySize);
      const result = bpf.mapNextKey(this.fd, previous, next) as number;
      if (result === -2) break;
      check(`iterate ${this.name}`, result);
      keys.push(next);
      previous = next;
    }
    return keys;
  }

  /** Sum of a u64 per-CPU array slot over all CPUs. */
  sumPerCpuU64(index: number): number {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(index);
    const value = this.lookup(key);
    if (!value) return 0;
    let sum = 0n;
    for (let offset = 0; offset + 8 <= value.length; offset += 8) sum += value.readBigUInt64LE(offset);
    return Number(sum);
  }
}

export function u32Key(value: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeUInt32LE(value);
  return key;
}

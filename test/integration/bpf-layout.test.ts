// The TypeScript layouts (src/helper/bpf/layouts.ts) against the BTF clang emitted for bpf/events.h: every struct's
// size and every field's offset must agree, in every object that uses the struct.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_LAYOUTS } from '../../src/helper/bpf/layouts.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';

interface BtfMember {
  name: string;
  bits_offset: number;
}
interface BtfType {
  kind: string;
  name: string;
  size?: number;
  members?: BtfMember[];
}

function structsOf(objectFile: string): Map<string, BtfType> {
  const dump = JSON.parse(execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', objectFile], { encoding: 'utf8' }));
  const types: BtfType[] = dump.types;
  return new Map(types.filter((t) => t.kind === 'STRUCT').map((t) => [t.name, t]));
}

describe.skipIf(!kernelTestsEnabled())('record layouts', () => {
  const objects = readdirSync(BPF_OBJECT_DIR)
    .filter((f) => f.endsWith('.bpf.o'))
    .map((f) => ({ file: f, structs: structsOf(path.join(BPF_OBJECT_DIR, f)) }));

  for (const layout of ALL_LAYOUTS) {
    it(`struct ${layout.cName} matches the compiled BTF`, () => {
      const found = objects.filter((o) => o.structs.has(layout.cName));
      expect(found.length, `no object's BTF has struct ${layout.cName}`).toBeGreaterThan(0);
      for (const { file, structs } of found) {
        const btf = structs.get(layout.cName)!;
        expect(btf.size, `${file}: sizeof(struct ${layout.cName})`).toBe(layout.size);
        const btfOffsets = Object.fromEntries(btf.members!.map((m) => [m.name, m.bits_offset / 8]));
        const tsOffsets = Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));
        expect(tsOffsets, `${file}: field offsets of struct ${layout.cName}`).toEqual(btfOffsets);
      }
    });
  }
});

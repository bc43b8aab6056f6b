// A small description of C structs with natural alignment (what clang does for the BPF target and x86-64), so
// records can be read from kernel memory without copying and hoping. test/integration/bpf-layout.test.ts checks
// every layout here against the BTF that clang emitted for bpf/events.h.

export type ScalarKind = 'u8' | 'u16' | 'u32' | 's32' | 'u64';
export type FieldType = ScalarKind | { chars: number } | { bytes: number } | StructLayout;

export interface FieldLayout {
  name: string;
  type: FieldType;
  offset: number;
  size: number;
}

export interface StructLayout {
  /** The C struct name in bpf/events.h. */
  cName: string;
  size: number;
  align: number;
  fields: FieldLayout[];
  offsetOf(field: string): number;
}

const SCALAR_SIZE: Record<ScalarKind, number> = { u8: 1, u16: 2, u32: 4, s32: 4, u64: 8 };

function sizeAndAlign(type: FieldType): { size: number; align: number } {
  if (typeof type === 'string') return { size: SCALAR_SIZE[type], align: SCALAR_SIZE[type] };
  if ('chars' in type) return { size: type.chars, align: 1 };
  if ('bytes' in type) return { size: type.bytes, align: 1 };
  return { size: type.size, align: type.align };
}

export function defineStruct(cName: string, fields: Array<[string, FieldType]>): StructLayout {
  let offset = 0;
  let align = 1;
  const laid: FieldLayout[] = [];
  for (const [name, type] of fields) {
    const { size, align: fieldAlign } = sizeAndAlign(type);
    offset = Math.ceil(offset / fieldAlign) * fieldAlign;
    laid.push({ name, type, offset, size });
    offset += size;
    align = Math.max(align, fieldAlign);
  }
  const byName = new Map(laid.map((f) => [f.name, f.offset]));
  return {
    cName,
    size: Math.ceil(offset / align) * align,
    align,
    fields: laid,
    offsetOf(field: string) {
      const found = byName.get(field);
      if (found === undefined) throw new Error(`struct ${cName} has no field ${field}`);
      return found;
    },
  };
}

/** Reads a NUL-terminated string from a fixed-size char array. */
export function readCString(bytes: Uint8Array, offset: number, length: number): string {
  const end = bytes.indexOf(0, offset);
  const stop = end === -1 || end > offset + length ? offset + length : end;
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, stop - offset).toString('utf8');
}

/** Decodes every field of a layout into a plain object (u64 → number: values here stay below 2^53). */
export function readStruct(view: DataView, layout: StructLayout, base = 0): Record<string, unknown> {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const out: Record<string, unknown> = {};
  for (const field of layout.fields) {
    const at = base + field.offset;
    const type = field.type;
    if (typeof type === 'string') {
      out[field.name] =
        type === 'u8'
          ? view.getUint8(at)
          : type === 'u16'
            ? view.getUint16(at, true)
            : type === 'u32'
              ? view.getUint32(at, true)
              : type === 's32'
                ? view.getInt32(at, true)
                : Number(view.getBigUint64(at, true));
    } else if ('chars' in type) {
      out[field.name] = readCString(bytes, at, type.chars);
    } else if ('bytes' in type) {
      out[field.name] = bytes.slice(at, at + type.bytes);
    } else {
      out[field.name] = readStruct(view, type, at);
    }
  }
  return out;
}

/** Encodes a plain object into a buffer laid out as `layout` (missing fields are zero). */
export function writeStruct(layout: StructLayout, values: Record<string, number | bigint>): Buffer {
  const buffer = Buffer.alloc(layout.size);
  for (const field of layout.fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    const type = field.type;
    if (type === 'u8') buffer.writeUInt8(Number(value), field.offset);
    else if (type === 'u16') buffer.writeUInt16LE(Number(value), field.offset);
    else if (type === 'u32') buffer.writeUInt32LE(Number(value), field.offset);
    else if (type === 's32') buffer.writeInt32LE(Number(value), field.offset);
    else if (type === 'u64') buffer.writeBigUInt64LE(BigInt(value), field.offset);
    else throw new Error(`writeStruct: field ${field.name} of ${layout.cName} is not a scalar`);
  }
  return buffer;
}

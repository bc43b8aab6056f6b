// Reads one BPF ring buffer on Node's event loop: its epoll fd is watched with koffi's poller, and every time it is
// readable all available records are consumed in one call, each handed to `onRecord` as a zero-copy view that is
// only valid during the call.
import { RingBufferSampleFn, bpf, checkPointer, check, koffi } from './libbpf.js';

type PollHandle = { stop(): void; close(): void };

export class RingBufferReader {
  private ring: unknown;
  private callback: unknown;
  private poller: PollHandle | null = null;
  recordsRead = 0;
  recordErrors = 0;

  constructor(
    readonly mapName: string,
    mapFd: number,
    onRecord: (view: DataView) => void,
    onError: (error: unknown) => void,
  ) {
    this.callback = koffi.register((_ctx: unknown, data: bigint, size: number) => {
      try {
        this.recordsRead++;
        onRecord(new DataView(koffi.view(data, size)));
      } catch (error) {
        this.recordErrors++;
        onError(error);
      }
      return 0;
    }, koffi.pointer(RingBufferSampleFn));
    this.ring = checkPointer(`ring_buffer__new(${mapName})`, bpf.ringBufferNew(mapFd, this.callback, null, null));
  }

  /** Starts consuming whenever the kernel signals new records. */
  start(): void {
    const fd = check('ring_buffer__epoll_fd', bpf.ringBufferEpollFd(this.ring) as number);
    this.poller = koffi.node.poll(fd, { readable: true }, () => this.consume()) as PollHandle;
  }

  /** Consumes every record available now; returns how many. */
  consume(): number {
    if (!this.ring) return 0;
    const result = bpf.ringBufferConsume(this.ring) as number;
    return result < 0 ? 0 : result;
  }

  close(): void {
    this.poller?.stop();
    this.poller?.close();
    this.poller = null;
    if (this.ring) {
      this.consume();
      bpf.ringBufferFree(this.ring);
      this.ring = null;
    }
    if (this.callback) {
      koffi.unregister(this.callback as bigint);
      this.callback = null;
    }
  }
}

// Reads one BPF ring buffer on Node's event loop: its epoll fd is watched with koffi's poller, and every time it is
// readable the available records are consumed, each handed to `onRecord` as a zero-copy view that is only valid
// during the call.
// - One wake-up reads at most RECORDS_PER_WAKEUP records: under a flood that never lets the buffer run empty, an
//   unbounded read would hold the event loop for seconds (no socket answers, no flush, no limit checks).
// - Once caught up, the reader stops listening for BATCH_MS. The kernel signals only the first record written after
//   the reader caught up, so records then gather silently and are read in one batch. Reading each as it comes costs
//   a wake-up per record: on a VM ~10 µs in the kernel program (the signal is a self-IPI) and ~50 µs in the helper.
import { RingBufferSampleFn, bpf, checkPointer, check, koffi } from './libbpf.js';

type PollHandle = { start(options: { readable: boolean }, callback: () => void): void; stop(): void; close(): void };

/** About 10-20 ms of decoding and storing; the epoll fd stays readable, so the poller returns for the rest. */
export const RECORDS_PER_WAKEUP = 1024;
/** Longest a record waits before it is read; 1 MiB holds far more than 50 ms of the busiest monitor's records. */
export const BATCH_MS = 50;
/** A sample callback's negative return stops ring_buffer__consume; libbpf keeps the record just read consumed. */
const PAUSE = -11; // -EAGAIN

export class RingBufferReader {
  private ring: unknown;
  private callback: unknown;
  private poller: PollHandle | null = null;
  recordsRead = 0;
  recordErrors = 0;
  private budget = Number.POSITIVE_INFINITY;
  private batchTimer: NodeJS.Timeout | null = null;

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
      return --this.budget > 0 ? 0 : PAUSE;
    }, koffi.pointer(RingBufferSampleFn));
    this.ring = checkPointer(`ring_buffer__new(${mapName})`, bpf.ringBufferNew(mapFd, this.callback, null, null));
  }

  /** Starts consuming whenever the kernel signals new records. */
  start(): void {
    const fd = check('ring_buffer__epoll_fd', bpf.ringBufferEpollFd(this.ring) as number);
    const onReadable = () => {
      if (this.consume(RECORDS_PER_WAKEUP) >= RECORDS_PER_WAKEUP) return; // more waiting: the poller fires again
      this.poller?.stop();
      this.batchTimer = setTimeout(() => {
        this.batchTimer = null;
        this.poller?.start({ readable: true }, onReadable);
      }, BATCH_MS);
    };
    this.poller = koffi.node.poll(fd, { readable: true }, onReadable) as PollHandle;
  }

  /** Consumes the records available now, at most `maxRecords`; returns how many. */
  consume(maxRecords = Number.POSITIVE_INFINITY): number {
    if (!this.ring) return 0;
    const before = this.recordsRead;
    this.budget = maxRecords;
    try {
      bpf.ringBufferConsume(this.ring);
    } finally {
      this.budget = Number.POSITIVE_INFINITY;
    }
    return this.recordsRead - before;
  }

  close(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
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

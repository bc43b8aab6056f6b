// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Block I/O of watched processes: one record per completed request, attributed to the process that queued it
 * (not the kworker or interrupt that issues and completes it), with device and queue latencies. */
#include "common.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Records built with reserve_record() appear in no declaration; these keep their types in the BTF that the
 * layout test checks the TypeScript decoders against. */
const struct disk_io_record *unused_disk_io_record __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} DISK_IO_EVENTS SEC(".maps");

/* Requests between queue and completion, by their first sector. A bio back-merged into another request, or
 * queued to a stacking device (dm, md) that remaps it, never completes under its own key and stays here: the
 * helper sweeps entries older than any plausible I/O. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct pending_io_key);
	__type(value, struct pending_io);
} PENDING_IO SEC(".maps");

/* Classic tracepoints, unlike the memory monitor's BTF ones: block_rq_complete's record has the rwbs string and errno
 * this monitor reports, which its raw arguments (a request, a blk_status_t) would have to rebuild; the others' raw
 * arguments changed within the supported kernels (the request_queue argument went in 5.11 and 5.10.137, the disk
 * moved from the request to its queue in 5.17) where the records' dev and sector did not. And they fire once per
 * request, not per page. */
SEC("tp/block/block_bio_queue")
int handle_queue(struct trace_event_raw_block_bio *ctx)
{
	struct watched_account *account = watched_current();
	struct pending_io_key key = {};
	struct pending_io io = {};
	__u64 pid_tgid, uid_gid;

	if (!account)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	uid_gid = bpf_get_current_uid_gid();
	key.dev = ctx->dev;
	key.sector = ctx->sector;
	io.queue_ns = bpf_ktime_get_ns();
	io.bytes = (__u64)ctx->nr_sector << 9;
	io.pid = pid_tgid >> 32;
	io.tid = (__u32)pid_tgid;
	io.uid = (__u32)uid_gid;
	io.gid = uid_gid >> 32;
	io.profile_id = account->profile_id;
	bpf_get_current_comm(io.comm, sizeof(io.comm));
	if (bpf_map_update_elem(&PENDING_IO, &key, &io, BPF_ANY))
		count_stat(STAT_PENDING_FULL);
	return 0;
}

/* A bio too large for the device is split: the front keeps the queued sector, the rest continues at
 * new_sector as a request of its own, which belongs to the same process. */
SEC("tp/block/block_split")
int handle_split(struct trace_event_raw_block_split *ctx)
{
	struct pending_io_key key = { .dev = ctx->dev, .sector = ctx->sector };
	struct pending_io *io = bpf_map_lookup_elem(&PENDING_IO, &key);

	if (!io)
		return 0;
	key.sector = ctx->new_sector;
	if (bpf_map_update_elem(&PENDING_IO, &key, io, BPF_ANY))
		count_stat(STAT_PENDING_FULL);
	return 0;
}

SEC("tp/block/block_rq_issue")
int handle_issue(struct trace_event_raw_block_rq *ctx)
{
	struct pending_io_key key = { .dev = ctx->dev, .sector = ctx->sector };
	struct pending_io *io = bpf_map_lookup_elem(&PENDING_IO, &key);

	if (!io)
		return 0;
	io->issue_ns = bpf_ktime_get_ns();
	/* A request can hold several merged bios. */
	io->bytes = ctx->bytes;
	return 0;
}

static __always_inline __u32 disk_op(const char *rwbs)
{
	/* rwbs starts with 'F' for a preflush ahead of the operation itself ("FWS"); a lone "F" is a flush. */
	char op = rwbs[0] == 'F' && rwbs[1] ? rwbs[1] : rwbs[0];

	switch (op) {
	case 'R':
		return DISK_OP_READ;
	case 'W':
		return DISK_OP_WRITE;
	case 'F':
		return DISK_OP_FLUSH;
	case 'D':
		return DISK_OP_DISCARD;
	default:
		return DISK_OP_OTHER;
	}
}

SEC("tp/block/block_rq_complete")
int handle_complete(struct trace_event_raw_block_rq_completion *ctx)
{
	struct pending_io_key key = { .dev = ctx->dev, .sector = ctx->sector };
	struct disk_io_record *rec;
	struct pending_io *io;
	__u64 now;

	io = bpf_map_lookup_elem(&PENDING_IO, &key);
	if (!io)
		return 0;
	rec = reserve_record(&DISK_IO_EVENTS, sizeof(*rec));
	if (!rec)
		goto out;

	now = bpf_ktime_get_ns();
	rec->hdr.timestamp_ns = now;
	rec->hdr.kind = RECORD_DISK_IO;
	rec->hdr.pid = io->pid;
	rec->hdr.tid = io->tid;
	rec->hdr.uid = io->uid;
	rec->hdr.gid = io->gid;
	rec->hdr.profile_id = io->profile_id;
	__builtin_memcpy(rec->hdr.comm, io->comm, sizeof(rec->hdr.comm));
	rec->dev_major = key.dev >> 20;
	rec->dev_minor = key.dev & 0xfffff;
	rec->sector = key.sector;
	rec->sectors = io->bytes >> 9;
	rec->bytes = io->bytes;
	rec->latency_ns = now - (io->issue_ns ? io->issue_ns : io->queue_ns);
	rec->queue_latency_ns = io->issue_ns ? io->issue_ns - io->queue_ns : 0;
	rec->error = ctx->error;
	rec->_pad = 0;
	bpf_probe_read_kernel(rec->rwbs, sizeof(rec->rwbs), ctx->rwbs);
	rec->rwbs[sizeof(rec->rwbs) - 1] = 0;
	rec->op = disk_op(rec->rwbs);
	submit_record(rec);
out:
	bpf_map_delete_elem(&PENDING_IO, &key);
	return 0;
}

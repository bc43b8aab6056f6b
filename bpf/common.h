/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* What every monitor shares: the watched-account lookup, MONITOR_STATS, record headers and aggregate entries. */
#ifndef DOTS_COMMON_H
#define DOTS_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"

#define EEXIST 17
#define SIGKILL 9
#define SIGSTOP 19

/* One map created by the helper and shared by every object (bpf_map__reuse_fd): keep identical everywhere. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DOTS_MAX_UID);
	__type(key, __u32);
	__type(value, struct watched_account);
} WATCHED_UIDS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DOTS_MONITOR_STAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} MONITOR_STATS SEC(".maps");

static __always_inline void count_stat(__u32 slot)
{
	__u64 *count = bpf_map_lookup_elem(&MONITOR_STATS, &slot);

	if (count)
		__sync_fetch_and_add(count, 1);
}

static __always_inline struct watched_account *watched_account(__u32 uid)
{
	struct watched_account *account;

	if (uid >= DOTS_MAX_UID)
		return NULL;
	account = bpf_map_lookup_elem(&WATCHED_UIDS, &uid);
	if (!account || !(account->flags & ACCOUNT_WATCHED))
		return NULL;
	return account;
}

static __always_inline struct watched_account *watched_current(void)
{
	return watched_account((__u32)bpf_get_current_uid_gid());
}

static __always_inline __u32 current_pid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

static __always_inline void fill_header(struct record_header *hdr, __u32 kind, const struct watched_account *account)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	hdr->timestamp_ns = bpf_ktime_get_ns();
	hdr->kind = kind;
	hdr->pid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->uid = (__u32)uid_gid;
	hdr->gid = uid_gid >> 32;
	hdr->profile_id = account->profile_id;
	bpf_get_current_comm(hdr->comm, sizeof(hdr->comm));
}

static __always_inline void *reserve_record(void *ringbuf, __u64 size)
{
	void *record = bpf_ringbuf_reserve(ringbuf, size, 0);

	if (!record)
		count_stat(STAT_RECORDS_DROPPED);
	return record;
}

static __always_inline void submit_record(void *record)
{
	bpf_ringbuf_submit(record, 0);
	count_stat(STAT_RECORDS_SUBMITTED);
}

/* For records built in a per-CPU scratch map because they do not fit on the stack. */
static __always_inline void output_record(void *ringbuf, void *record, __u64 size)
{
	if (bpf_ringbuf_output(ringbuf, record, size, 0))
		count_stat(STAT_RECORDS_DROPPED);
	else
		count_stat(STAT_RECORDS_SUBMITTED);
}

/* The leading fields of every aggregate value in events.h (fs_io_stats, net_io_stats, mem_stats). */
struct aggregate_head {
	__u32 uid;
	__u32 profile_id;
	char comm[DOTS_COMM_LEN];
};

/* Creates the current process's entry from init (zeroed by the caller) on its first activity. */
static __always_inline void *create_aggregate(void *map, __u32 pid, void *init,
					      const struct watched_account *account)
{
	struct aggregate_head *head = init;
	long err;

	head->uid = (__u32)bpf_get_current_uid_gid();
	head->profile_id = account->profile_id;
	bpf_get_current_comm(head->comm, sizeof(head->comm));
	err = bpf_map_update_elem(map, &pid, init, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		count_stat(STAT_AGGREGATE_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(map, &pid);
}

/* For sched_process_exec: an entry usually starts in the forked child, before it execs the program it becomes. */
static __always_inline void refresh_aggregate_comm(void *map)
{
	struct aggregate_head *head;
	__u32 pid;

	if (!watched_current())
		return;
	pid = current_pid();
	head = bpf_map_lookup_elem(map, &pid);
	if (head)
		bpf_get_current_comm(head->comm, sizeof(head->comm));
}

/* The pid of the exiting process when the exiting thread is its leader, else 0. */
static __always_inline __u32 exiting_leader(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	return (pid_tgid >> 32) == (__u32)pid_tgid ? pid_tgid >> 32 : 0;
}

#endif /* DOTS_COMMON_H */

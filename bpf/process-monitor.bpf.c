// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Process lifecycle of watched accounts: exec (with argv) and exit records, and exec-time enforcement. */
#include "common.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Records built with reserve_record() appear in no declaration; these keep their types in the BTF that the
 * layout test checks the TypeScript decoders against. */
const struct process_exit_record *unused_process_exit_record __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} PROCESS_EVENTS SEC(".maps");

/* The exec record is larger than the 512-byte BPF stack, so it is built here and copied to the ring buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_exec_record);
} CMDLINE_BUF SEC(".maps");

/* Filled by the helper: the rule id that blocks a program for a profile, by file identity or (pending a check) by
 * size. One entry per (file or size, profile). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct exe_identity);
	__type(value, __u32);
} BLOCKED_EXES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct blocked_size_key);
	__type(value, __u32);
} BLOCKED_SIZES SEC(".maps");

static __always_inline void read_args(struct process_exec_record *rec, struct task_struct *task)
{
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u64 len = end > start ? end - start : 0;

	if (len > DOTS_ARGS_LEN) {
		len = DOTS_ARGS_LEN;
		rec->flags |= EXEC_ARGS_TRUNCATED;
	}
	rec->args_size = 0;
	if (len && !bpf_probe_read_user(rec->args, len, (void *)start))
		rec->args_size = len;
}

static __always_inline bool kill_current(void)
{
	if (bpf_send_signal(SIGKILL))
		return false;
	count_stat(STAT_ENFORCEMENT_KILLS);
	return true;
}

static __always_inline void enforce(struct process_exec_record *rec, const struct watched_account *account)
{
	/* Keys are fully initialised (explicit _pad, no holes): hash maps compare every byte. */
	struct exe_identity exe = { .dev = rec->exe_dev, .profile_id = account->profile_id, .ino = rec->exe_ino };
	struct blocked_size_key size = { .size = rec->exe_size, .profile_id = account->profile_id, ._pad = 0 };

	if (account->flags & ACCOUNT_EXEC_DENIED) {
		if (kill_current())
			rec->flags |= EXEC_KILLED_DENIED;
	} else if (bpf_map_lookup_elem(&BLOCKED_EXES, &exe)) {
		if (kill_current())
			rec->flags |= EXEC_KILLED_BLOCKED;
	} else if (bpf_map_lookup_elem(&BLOCKED_SIZES, &size)) {
		/* Stopped, not killed: a size match is only a suspect until the helper has hashed the file. */
		if (!bpf_send_signal(SIGSTOP)) {
			rec->flags |= EXEC_HELD;
			count_stat(STAT_EXEC_HELD);
		}
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct watched_account *account = watched_current();
	struct process_exec_record *rec;
	struct inode *inode;
	__u32 zero = 0;

	if (!account)
		return 0;
	rec = bpf_map_lookup_elem(&CMDLINE_BUF, &zero);
	if (!rec)
		return 0;

	fill_header(&rec->hdr, RECORD_PROCESS_EXEC, account);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	rec->flags = 0;
	inode = BPF_CORE_READ(bprm, file, f_inode);
	rec->exe_ino = BPF_CORE_READ(inode, i_ino);
	rec->exe_size = BPF_CORE_READ(inode, i_size);
	rec->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	bpf_probe_read_kernel_str(rec->filename, sizeof(rec->filename), BPF_CORE_READ(bprm, filename));
	read_args(rec, task);

	enforce(rec, account);
	output_record(&PROCESS_EVENTS, rec, sizeof(*rec));
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	struct watched_account *account;
	struct process_exit_record *rec;
	struct task_struct *task;
	int code;

	if (!exiting_leader())
		return 0;
	account = watched_current();
	if (!account)
		return 0;
	rec = reserve_record(&PROCESS_EVENTS, sizeof(*rec));
	if (!rec)
		return 0;

	task = (struct task_struct *)bpf_get_current_task();
	fill_header(&rec->hdr, RECORD_PROCESS_EXIT, account);
	code = BPF_CORE_READ(task, exit_code);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	rec->exit_code = (code >> 8) & 0xff;
	rec->exit_signal = code & 0x7f;
	rec->_pad = 0;
	/* start_time is CLOCK_MONOTONIC (start_boottime is the boot-based one), like bpf_ktime_get_ns(). */
	rec->lifetime_ns = rec->hdr.timestamp_ns - BPF_CORE_READ(task, start_time);
	submit_record(rec);
	return 0;
}

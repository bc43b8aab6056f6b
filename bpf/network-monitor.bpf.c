// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Network activity of watched accounts: TCP connect records and per-process socket byte counters. */
#include "common.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Records built with reserve_record() appear in no declaration; these keep their types in the BTF that the
 * layout test checks the TypeScript decoders against. */
const struct net_connect_record *unused_net_connect_record __attribute__((unused));

#define AF_INET 2
#define AF_INET6 10

/* Who started a connect, saved at SYN_SENT: the handshake completes in softirq context, where current is
 * whatever happened to run. */
struct connecting {
	__u64 start_ns;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	__u32 profile_id;
	__u32 _pad;
	char comm[DOTS_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} NETWORK_EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct net_io_stats);
} NET_IO_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64); /* struct sock * */
	__type(value, struct connecting);
} CONNECTING SEC(".maps");

static __always_inline void save_connecting(__u64 sk)
{
	struct watched_account *account = watched_current();
	struct connecting who = {};
	__u64 pid_tgid, uid_gid;

	if (!account)
		return;
	pid_tgid = bpf_get_current_pid_tgid();
	uid_gid = bpf_get_current_uid_gid();
	who.start_ns = bpf_ktime_get_ns();
	who.pid = pid_tgid >> 32;
	who.tid = (__u32)pid_tgid;
	who.uid = (__u32)uid_gid;
	who.gid = uid_gid >> 32;
	who.profile_id = account->profile_id;
	bpf_get_current_comm(who.comm, sizeof(who.comm));
	bpf_map_update_elem(&CONNECTING, &sk, &who, BPF_ANY);
}

static __always_inline void emit_connect(struct trace_event_raw_inet_sock_set_state *ctx, __u64 sk)
{
	struct net_connect_record *rec;
	struct connecting *who;
	__u64 now;

	who = bpf_map_lookup_elem(&CONNECTING, &sk);
	if (!who)
		return;
	rec = reserve_record(&NETWORK_EVENTS, sizeof(*rec));
	if (!rec)
		goto out;

	now = bpf_ktime_get_ns();
	rec->hdr.timestamp_ns = now;
	rec->hdr.kind = RECORD_NET_CONNECT;
	rec->hdr.pid = who->pid;
	rec->hdr.tid = who->tid;
	rec->hdr.uid = who->uid;
	rec->hdr.gid = who->gid;
	rec->hdr.profile_id = who->profile_id;
	__builtin_memcpy(rec->hdr.comm, who->comm, sizeof(rec->hdr.comm));
	rec->family = ctx->family;
	rec->sport = ctx->sport;
	rec->dport = ctx->dport;
	rec->protocol = ctx->protocol;
	rec->result = ctx->newstate == TCP_ESTABLISHED ? 0 : -1;
	rec->_pad = 0;
	__builtin_memset(rec->saddr, 0, sizeof(rec->saddr));
	__builtin_memset(rec->daddr, 0, sizeof(rec->daddr));
	if (ctx->family == AF_INET6) {
		bpf_probe_read_kernel(rec->saddr, sizeof(ctx->saddr_v6), ctx->saddr_v6);
		bpf_probe_read_kernel(rec->daddr, sizeof(ctx->daddr_v6), ctx->daddr_v6);
	} else {
		bpf_probe_read_kernel(rec->saddr, sizeof(ctx->saddr), ctx->saddr);
		bpf_probe_read_kernel(rec->daddr, sizeof(ctx->daddr), ctx->daddr);
	}
	rec->connect_latency_ns = now - who->start_ns;
	submit_record(rec);
out:
	bpf_map_delete_elem(&CONNECTING, &sk);
}

/* Classic, not tp_btf: the record has the family, ports and addresses (IPv4 mapped into IPv6 where needed) that the
 * raw (sk, oldstate, newstate) would take a dozen reads of the sock to rebuild, and it fires a few times per
 * connection, not per packet. */
SEC("tp/sock/inet_sock_set_state")
int handle_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_SYN_SENT)
		save_connecting(sk);
	else if (ctx->oldstate == TCP_SYN_SENT)
		emit_connect(ctx, sk);
	return 0;
}

static __always_inline void count_bytes(struct sock *sk, int ret, bool sent)
{
	struct watched_account *account = watched_current();
	struct net_io_stats *stats, init = {};
	__u16 family;
	__u32 pid;

	if (!account || ret <= 0)
		return;
	family = sk->__sk_common.skc_family; /* a BTF-typed argument: a direct load, not a helper call */
	if (family != AF_INET && family != AF_INET6)
		return;
	pid = current_pid();
	stats = bpf_map_lookup_elem(&NET_IO_STATS, &pid);
	if (!stats && !(stats = create_aggregate(&NET_IO_STATS, pid, &init, account)))
		return;
	if (sent) {
		__sync_fetch_and_add(&stats->tx_bytes, ret);
		__sync_fetch_and_add(&stats->tx_calls, 1);
	} else {
		__sync_fetch_and_add(&stats->rx_bytes, ret);
		__sync_fetch_and_add(&stats->rx_calls, 1);
	}
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(handle_send, struct sock *sk, int ret, int flags)
{
	count_bytes(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(handle_recv, struct sock *sk, int ret, int flags)
{
	count_bytes(sk, ret, false);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int refresh_comm(void *ctx)
{
	refresh_aggregate_comm(&NET_IO_STATS);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int mark_exited(void *ctx)
{
	__u32 pid = exiting_leader();
	struct net_io_stats *stats;

	/* No watched check: an entry exists only for a watched process, and must be marked even if the account
	 * stopped being watched since. */
	if (!pid)
		return 0;
	stats = bpf_map_lookup_elem(&NET_IO_STATS, &pid);
	if (stats)
		stats->exited_ns = bpf_ktime_get_ns();
	return 0;
}

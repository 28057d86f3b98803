// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// The threat sensor benchmark's floor (scripts/bench/run.sh, ADR 0049): what any sensor on the sys_enter tracepoint
// costs before it does anything (`empty`: the kernel then takes every system call's slow path and runs a program),
// and the least an open filter there can do (`read_path`: read an open's path from the caller's memory and look it up
// in a prefix tree, as vigil.bpf.c's approvers do). Built by scripts/build-bpf.sh beside this file.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct path_key {
    __u32 prefixlen;
    char data[128];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 16);
    __type(key, struct path_key);
    __type(value, __u8);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} prefixes SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct path_key);
} scratch SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(empty, struct pt_regs *regs, long id) {
    return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(read_path, struct pt_regs *regs, long id) {
    if (id != 257 /* openat */) {
        return 0;
    }
    __u32 zero = 0;
    struct path_key *key = bpf_map_lookup_elem(&scratch, &zero);
    if (!key) {
        return 0;
    }
    long n = bpf_probe_read_user_str(key->data, sizeof(key->data), (const char *)regs->si);
    if (n <= 1) {
        return 0;
    }
    key->prefixlen = (__u32)(n - 1) * 8;
    bpf_map_lookup_elem(&prefixes, key);
    return 0;
}

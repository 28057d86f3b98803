// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// The layouts of the sensor's records (ADR 0045), shared by the eBPF program (vigil.bpf.c, after vmlinux.h) and the
// ptrace launcher for hosts without eBPF (vigil-trace.c, after <linux/types.h>; ADR 0053), which write the same
// records; vigil.threats.sensor.Records reads them and must change with them.
#ifndef VIGIL_RECORDS_H
#define VIGIL_RECORDS_H

#define KIND_EXEC 1
#define KIND_FORK 2
#define KIND_EXIT 3
#define KIND_OPEN 4
#define KIND_CONNECT 5
#define KIND_SYSCALL 6
#define KIND_BIND 7
#define KINDS 8

#define PATH_MAX_READ 256
#define ARGS_MAX_READ 512
#define ENV_MAX_READ 4096
#define TTY_NAME 64
#define FS_NAME 16
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

// x86_64 system call numbers
#define NR_OPEN 2
#define NR_CONNECT 42
#define NR_CREAT 85
#define NR_OPENAT 257
#define NR_OPENAT2 437
#define NR_BIND 49
#define NR_BPF 321
#define NR_CAPSET 126
#define NR_PRCTL 157
#define PR_SET_NAME 15
#define SYSCALLS 512

struct header {
    __u32 kind;
    __u32 pid;      // thread group id
    __u32 tid;
    __u32 ppid;     // the real parent's thread group id
    __u32 uid;
    __u32 gid;
    __u64 time_ns;  // CLOCK_MONOTONIC (bpf_ktime_get_ns)
    __u64 cgroup_id;
    char comm[16];
    __u32 euid;     // effective ids: live on every record, so a setuid program's events carry what it runs as
    __u32 egid;
};

#define CGROUP_NAME 80
// A resolved path is written while it fits in the first half of its buffer: the verifier sees every write in bounds
#define FILE_PATH_BUF (2 * FILE_PATH_HALF + 16)
#define FILE_PATH_HALF 256
#define PATH_DEPTH 32

// The credentials a program runs with after exec (a set-user-id program's already applied), beyond the header's
struct exec_cred {
    __u32 fsuid;
    __u32 fsgid;
    __u64 cap_effective;
    __u64 cap_permitted;
    __u32 auid;   // the audit login id, 4294967295 when unset (or where the kernel has no audit)
    __u32 pad;
};

#define FILE_STATED 1       // the fields below were read
#define FILE_UPPER_LAYER 2  // the file is in an overlay's upper (writable) layer
#define FILE_INTERPRETER 4  // the file is a script's interpreter, and file_path its path
#define FILE_DETACHED 8     // no path from the process's root reaches the file (a memfd): file_path is from its mount's root

// The executed file's inode, as stat(2) would give it
struct exec_file {
    __u64 inode;
    __s64 mtime_ns; // since the epoch
    __s64 ctime_ns;
    __u32 mode;
    __u32 uid;
    __u32 gid;
    __u32 mount_id;
    __u32 flags;
    __u32 pad;
    char filesystem[FS_NAME];
};

struct exec_record {
    struct header h;
    __u32 filename_len;
    __u32 args_len;
    char filename[PATH_MAX_READ];
    char args[ARGS_MAX_READ]; // NUL-separated argv, as in /proc/PID/cmdline
    // The new program's cgroup, as a container runtime names it, parent directory then leaf: in the unified (v2)
    // hierarchy, and in the pids controller's (v1) where the host mounts v1. Read here because a short-lived
    // process is gone before user space could read /proc/PID/cgroup (ADR 0047).
    char cgroup_v2[2][CGROUP_NAME];
    char cgroup_v1[2][CGROUP_NAME];
    // The executed file as the kernel resolved it (bprm->file), from the process's root: links resolved, a
    // container's files named as the container sees them; empty when deeper or longer than read here (ADR 0049)
    __u32 file_path_len;
    __u32 pad;
    char file_path[FILE_PATH_BUF];
    struct exec_cred cred;
    struct exec_file file;
    char tty[TTY_NAME];   // the controlling terminal's name as the kernel has it ("pts0"), empty for none
    __u32 env_len;        // bytes read into env
    __u32 env_total;      // bytes the environment has: more than env_len when it was cut
    char env[ENV_MAX_READ]; // NUL-separated NAME=value strings, as in /proc/PID/environ
};

struct fork_record {
    struct header h;
    __u32 child_pid;
    __u32 pad;
};

struct exit_record {
    struct header h;
    __s32 exit_code;
    __u32 pad;
};

struct open_record {
    struct header h;
    __s32 dfd;
    __u32 flags;
    __u32 mode;
    __u32 path_len;
    char path[PATH_MAX_READ];
    // For a relative path, the directory it is relative to (the descriptor's, or the working directory) as the
    // kernel resolves it: user space could read it from /proc only while the process lives (ADR 0049)
    __u32 dir_len;
    __u32 pad;
    char dir[FILE_PATH_BUF];
};

struct connect_record {
    struct header h;
    __u16 family;
    __u16 port;      // network order, as in the socket address
    __u32 addr_len;
    __u8 addr[16];   // IPv4 in the first four bytes
};

#define NAME_MAX_READ 64

// Every other system call an event type is made of (chmod, unlink, rename, ptrace, bpf, mount, setuid, ...): its
// number and raw arguments, up to two paths and one short name (an xattr's, a module's, a file system type) read
// from the caller's memory as the call's number says. The call is recorded as asked (on entry: its result is not
// known here); vigil.threats.sensor.Syscalls says which argument is which, per number.
struct syscall_record {
    struct header h;
    __u32 nr;
    __u32 path_len[2];
    __u32 name_len;
    __u64 args[6];
    __u64 extra;     // bpf: the attribute's first word (program or map type); capset: effective and permitted
    char path[2][PATH_MAX_READ];
    char name[NAME_MAX_READ];
};

// Which arguments of call nr are paths (first and second, -1 for none) and which is a short name (-1 for none)
static inline __attribute__((always_inline)) void string_args(long nr, int *p0, int *p1, int *name) {
    *p0 = -1;
    *p1 = -1;
    *name = -1;
    switch (nr) {
    case 82: /* rename */ case 86: /* link */ case 88: /* symlink */
        *p0 = 0; *p1 = 1; break;
    case 264: /* renameat */ case 316: /* renameat2 */ case 265: /* linkat */
        *p0 = 1; *p1 = 3; break;
    case 266: /* symlinkat */
        *p0 = 0; *p1 = 2; break;
    case 83: /* mkdir */ case 84: /* rmdir */ case 87: /* unlink */ case 90: /* chmod */ case 92: /* chown */
    case 94: /* lchown */ case 80: /* chdir */ case 132: /* utime */ case 235: /* utimes */ case 166: /* umount2 */
        *p0 = 0; break;
    case 258: /* mkdirat */ case 263: /* unlinkat */ case 268: /* fchmodat */ case 452: /* fchmodat2 */
    case 260: /* fchownat */ case 261: /* futimesat */ case 280: /* utimensat */
        *p0 = 1; break;
    case 188: /* setxattr */ case 189: /* lsetxattr */ case 197: /* removexattr */ case 198: /* lremovexattr */
        *p0 = 0; *name = 1; break;
    case 190: /* fsetxattr */ case 199: /* fremovexattr */
        *name = 1; break;
    case 165: /* mount */
        *p0 = 0; *p1 = 1; *name = 2; break;
    case 176: /* delete_module */
        *name = 0; break;
    }
}

#endif

// SPDX-License-Identifier: Apache-2.0
// vigil-trace: runs a workload under ptrace where no eBPF can run (ECS Fargate, ADR 0053), as Datadog's
// cws-instrumentation does. The task definition makes it the container's entrypoint:
//
//   vigil-trace [--socket PATH] -- COMMAND [ARGS...]
//
// It connects to the Vigil agent's trace socket (a sidecar sharing the task's volume; $VIGIL_TRACE_SOCKET, default
// /var/run/vigil/trace.sock), which answers with the system calls its rules are about. It starts COMMAND under a
// seccomp filter that stops only at those calls (every other call runs untraced), follows every process COMMAND
// starts (fork, vfork, clone, exec, exit), and writes each event to the socket as the eBPF sensor's record (records.h),
// framed by its length. The agent reads them as it reads the kernel's (vigil.threats.sensor.TraceListener).
//
// When the agent cannot be reached, COMMAND runs untraced, and the launcher says so on standard error: the workload
// comes first. When the launcher dies, the kernel kills its tracees (PTRACE_O_EXITKILL): a traced call with no tracer
// would fail with ENOSYS, so the workload ends visibly instead of failing quietly. The launcher exits with COMMAND's
// status (128 + the signal's number when a signal ended it), and passes SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and
// SIGUSR2 on to it, as an entrypoint must.
#define _GNU_SOURCE
#include <linux/types.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bpf/records.h"

#define HELLO_MAGIC 0x52544756u // "VGTR"
#define HELLO_VERSION 1u

static int agent = -1;
static pid_t workload;
static unsigned char wanted[SYSCALLS];

static void warn(const char *what) {
    fprintf(stderr, "vigil-trace: %s\n", what);
}

static int read_all(int fd, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        done += (size_t)r;
    }
    return 0;
}

// The agent's socket and its hello: magic, version, then the system calls to stop at
static int connect_agent(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        close(fd);
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    __u32 hello[3];
    if (read_all(fd, hello, sizeof(hello)) != 0 || hello[0] != HELLO_MAGIC || hello[1] != HELLO_VERSION ||
        hello[2] > SYSCALLS) {
        close(fd);
        errno = EPROTO;
        return -1;
    }
    for (__u32 i = 0; i < hello[2]; i++) {
        __u32 nr;
        if (read_all(fd, &nr, sizeof(nr)) != 0) {
            close(fd);
            errno = EPROTO;
            return -1;
        }
        if (nr < SYSCALLS) {
            wanted[nr] = 1;
        }
    }
    return fd;
}

// One record to the agent, framed by its length; a lost agent ends the tracing (the workload goes on untraced)
static void send_record(const void *record, __u32 size) {
    if (agent < 0) {
        return;
    }
    struct iovec parts[2] = {{&size, sizeof(size)}, {(void *)record, size}};
    size_t left = sizeof(size) + size;
    while (left > 0) {
        ssize_t n = writev(agent, parts, 2);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            warn("the agent's socket closed; events are no longer sent");
            close(agent);
            agent = -1;
            return;
        }
        left -= (size_t)n;
        for (int i = 0; i < 2; i++) {
            size_t used = (size_t)n < parts[i].iov_len ? (size_t)n : parts[i].iov_len;
            parts[i].iov_base = (char *)parts[i].iov_base + used;
            parts[i].iov_len -= used;
            n -= (ssize_t)used;
        }
    }
}

// A /proc file of a task, at most size - 1 bytes, NUL-terminated; its length, -1 when it cannot be read
static ssize_t proc_read(pid_t pid, const char *name, char *buf, size_t size, size_t *total) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t len = 0;
    ssize_t n;
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0) {
        len += (size_t)n;
    }
    if (total) {
        char rest[4096];
        *total = len;
        while ((n = read(fd, rest, sizeof(rest))) > 0) {
            *total += (size_t)n;
        }
    }
    close(fd);
    buf[len] = 0;
    return (ssize_t)len;
}

static ssize_t proc_link(pid_t pid, const char *name, char *buf, size_t size) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
    ssize_t n = readlink(path, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

// The value after "key:" in /proc/TID/status, parsed from the nth number on (base 10, or 16 for capability sets)
static unsigned long long status_field(const char *status, const char *key, int nth, int base) {
    const char *at = strstr(status, key);
    if (!at) {
        return 0;
    }
    char *p = (char *)at + strlen(key);
    unsigned long long v = 0;
    for (int i = 0; i <= nth; i++) {
        v = strtoull(p, &p, base);
    }
    return v;
}

static __u64 monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

// What /proc said of a task's header fields, kept for HEADER_FRESH_NS: two /proc reads a record cost most of a
// traced call's time. An exec reads afresh (its credentials and name are new); so does a task not seen lately, so a
// credential change made by a call no rule is about shows within that time.
#define HEADER_CACHE 4096
#define HEADER_FRESH_NS 50000000ull

struct cached_header {
    pid_t tid;
    __u64 read_ns;
    struct header h;
};

static struct cached_header header_cache[HEADER_CACHE];

static struct cached_header *cached(pid_t tid) {
    return &header_cache[(unsigned)tid % HEADER_CACHE];
}

static void forget(pid_t tid) {
    struct cached_header *c = cached(tid);
    if (c->tid == tid) {
        c->tid = 0;
    }
}

static void read_header(struct header *h, pid_t tid, char *status, size_t status_size);

// The header of a task's record: from the cache while fresh, else from /proc while the task is stopped (status then
// holds its status text, which an exec record reads its credentials from)
static void fill_header(struct header *h, __u32 kind, pid_t tid, char *status, size_t status_size) {
    struct cached_header *c = cached(tid);
    __u64 now = monotonic_ns();
    status[0] = 0;
    if (kind != KIND_EXEC && c->tid == tid && now - c->read_ns < HEADER_FRESH_NS) {
        *h = c->h;
    } else {
        read_header(h, tid, status, status_size);
        c->tid = tid;
        c->read_ns = now;
        c->h = *h;
    }
    h->kind = kind;
    h->time_ns = now;
}

static void read_header(struct header *h, pid_t tid, char *status, size_t status_size) {
    memset(h, 0, sizeof(*h));
    h->tid = (__u32)tid;
    proc_read(tid, "status", status, status_size, NULL);
    h->pid = (__u32)status_field(status, "\nTgid:", 0, 10);
    if (h->pid == 0) {
        h->pid = (__u32)tid;
    }
    h->ppid = (__u32)status_field(status, "\nPPid:", 0, 10);
    h->uid = (__u32)status_field(status, "\nUid:", 0, 10);
    h->euid = (__u32)status_field(status, "\nUid:", 1, 10);
    h->gid = (__u32)status_field(status, "\nGid:", 0, 10);
    h->egid = (__u32)status_field(status, "\nGid:", 1, 10);
    char comm[32];
    if (proc_read(tid, "comm", comm, sizeof(comm), NULL) > 0) {
        comm[strcspn(comm, "\n")] = 0;
        memcpy(h->comm, comm, strnlen(comm, sizeof(h->comm) - 1));
    }
}

// A terminal's name from stat's tty_nr, as the kernel names it (vigil.threats.sensor.Terminals does the same)
static void terminal(int device, char *out, size_t size) {
    unsigned major = ((unsigned)device >> 8) & 0xfff;
    unsigned minor = ((unsigned)device & 0xff) | (((unsigned)device >> 12) & 0xfff00);
    out[0] = 0;
    if (device == 0) {
        return;
    }
    if (major >= 136 && major <= 143) {
        snprintf(out, size, "pts%u", (major - 136) * 256 + minor);
    } else if (major == 4) {
        snprintf(out, size, minor < 64 ? "tty%u" : "ttyS%u", minor < 64 ? minor : minor - 64);
    } else {
        snprintf(out, size, "tty(%u:%u)", major, minor);
    }
}

static struct exec_record exec_buf;

static void on_exec(pid_t pid) {
    struct exec_record *r = &exec_buf;
    char status[4096];
    fill_header(&r->h, KIND_EXEC, pid, status, sizeof(status));
    memset((char *)r + sizeof(r->h), 0, sizeof(*r) - sizeof(r->h));
    ssize_t n = proc_link(pid, "exe", r->filename, sizeof(r->filename));
    r->filename_len = n > 0 ? (__u32)n : 0;
    memcpy(r->file_path, r->filename, r->filename_len + 1);
    r->file_path_len = r->filename_len;
    n = proc_read(pid, "cmdline", r->args, sizeof(r->args), NULL);
    r->args_len = n > 0 ? (__u32)n : 0;
    size_t total = 0;
    n = proc_read(pid, "environ", r->env, sizeof(r->env), &total);
    r->env_len = n > 0 ? (__u32)n : 0;
    r->env_total = (__u32)total;
    r->cred.fsuid = (__u32)status_field(status, "\nUid:", 3, 10);
    r->cred.fsgid = (__u32)status_field(status, "\nGid:", 3, 10);
    r->cred.cap_effective = status_field(status, "\nCapEff:", 0, 16);
    r->cred.cap_permitted = status_field(status, "\nCapPrm:", 0, 16);
    char text[64];
    r->cred.auid = proc_read(pid, "loginuid", text, sizeof(text), NULL) > 0 ? (__u32)strtoul(text, NULL, 10)
                                                                          : 4294967295u;
    char stat_text[1024];
    if (proc_read(pid, "stat", stat_text, sizeof(stat_text), NULL) > 0) {
        // "pid (comm) state ppid pgrp session tty_nr ...": the command name ends at the last ')'
        char *p = strrchr(stat_text, ')');
        int tty = 0;
        if (p && sscanf(p + 1, " %*c %*d %*d %*d %d", &tty) == 1) {
            terminal(tty, r->tty, sizeof(r->tty));
        }
    }
    char exe[64];
    snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
    struct statx sx;
    if (statx(AT_FDCWD, exe, 0, STATX_BASIC_STATS | STATX_MNT_ID, &sx) == 0) {
        r->file.inode = sx.stx_ino;
        r->file.mode = sx.stx_mode;
        r->file.uid = sx.stx_uid;
        r->file.gid = sx.stx_gid;
        r->file.mtime_ns = (__s64)sx.stx_mtime.tv_sec * 1000000000ll + sx.stx_mtime.tv_nsec;
        r->file.ctime_ns = (__s64)sx.stx_ctime.tv_sec * 1000000000ll + sx.stx_ctime.tv_nsec;
        r->file.mount_id = (sx.stx_mask & STATX_MNT_ID) ? (__u32)sx.stx_mnt_id : 0;
        r->file.flags = FILE_STATED;
    }
    send_record(r, sizeof(*r));
}

static void on_fork(pid_t parent, pid_t child) {
    struct fork_record r;
    char status[4096];
    fill_header(&r.h, KIND_FORK, parent, status, sizeof(status));
    r.child_pid = (__u32)child;
    r.pad = 0;
    send_record(&r, sizeof(r));
}

static void on_exit_event(pid_t pid, unsigned long wait_status) {
    struct exit_record r;
    char status[4096];
    fill_header(&r.h, KIND_EXIT, pid, status, sizeof(status));
    forget(pid);
    if (r.h.pid != (__u32)pid) {
        return; // a thread ends; the process goes on
    }
    r.exit_code = (__s32)((wait_status >> 8) & 0xff);
    r.pad = 0;
    send_record(&r, sizeof(r));
}

// Up to size - 1 bytes of a NUL-terminated string in the tracee's memory; its length, or -1 when unreadable. Read
// up to the end of the string's first page first, so that a string ending before an unmapped page is read whole.
static long read_string(pid_t pid, __u64 address, char *out, size_t size) {
    out[0] = 0;
    if (address == 0) {
        return -1;
    }
    size_t first = 4096 - (size_t)(address & 4095);
    size_t got = 0;
    while (got < size - 1) {
        size_t want = got == 0 ? (first < size - 1 ? first : size - 1) : size - 1 - got;
        struct iovec local = {out + got, want};
        struct iovec remote = {(void *)(uintptr_t)(address + got), want};
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        if (n <= 0) {
            break;
        }
        void *nul = memchr(out + got, 0, (size_t)n);
        if (nul) {
            return (char *)nul - out;
        }
        got += (size_t)n;
    }
    out[got < size ? got : size - 1] = 0;
    return got > 0 ? (long)got : -1;
}

static int read_memory(pid_t pid, __u64 address, void *out, size_t size) {
    struct iovec local = {out, size};
    struct iovec remote = {(void *)(uintptr_t)address, size};
    return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)size ? 0 : -1;
}

static void on_open(pid_t tid, int dfd, __u64 path, __u32 flags, __u32 mode) {
    static struct open_record r;
    char status[4096];
    fill_header(&r.h, KIND_OPEN, tid, status, sizeof(status));
    r.dfd = dfd;
    r.flags = flags;
    r.mode = mode;
    r.dir_len = 0;
    r.dir[0] = 0;
    r.pad = 0;
    long n = read_string(tid, path, r.path, sizeof(r.path));
    r.path_len = n > 0 ? (__u32)n : 0;
    if (n > 0 && r.path[0] != '/') {
        // the directory a relative path is relative to, as the kernel resolves it now
        char name[32];
        if (dfd == -100) {
            snprintf(name, sizeof(name), "cwd");
        } else {
            snprintf(name, sizeof(name), "fd/%d", dfd);
        }
        ssize_t d = proc_link(tid, name, r.dir, FILE_PATH_HALF);
        r.dir_len = d > 0 && r.dir[0] == '/' ? (__u32)d : 0;
        if (r.dir_len == 0) {
            r.dir[0] = 0;
        }
    }
    send_record(&r, sizeof(r));
}

static void on_connect(pid_t tid, __u32 kind, __u64 address, __u32 length) {
    struct connect_record r;
    unsigned char addr[28] = {0};
    if (length > sizeof(addr)) {
        length = sizeof(addr);
    }
    if (length < 2 || read_memory(tid, address, addr, length) != 0) {
        return;
    }
    __u16 family;
    memcpy(&family, addr, sizeof(family));
    char status[4096];
    fill_header(&r.h, kind, tid, status, sizeof(status));
    r.family = family;
    memset(r.addr, 0, sizeof(r.addr));
    if (family == 2 && length >= 16) {
        memcpy(&r.port, addr + 2, 2);
        memcpy(r.addr, addr + 4, 4);
        r.addr_len = 4;
    } else if (family == 10 && length >= 24) {
        memcpy(&r.port, addr + 2, 2);
        memcpy(r.addr, addr + 8, 16);
        r.addr_len = 16;
    } else {
        return; // not an IP address, or too short for its family: the call fails in the kernel too
    }
    send_record(&r, sizeof(r));
}

static __u64 reg_arg(const struct user_regs_struct *regs, int i) {
    switch (i) {
    case 0: return regs->rdi;
    case 1: return regs->rsi;
    case 2: return regs->rdx;
    case 3: return regs->r10;
    case 4: return regs->r8;
    case 5: return regs->r9;
    }
    return 0;
}

static void on_other(pid_t tid, const struct user_regs_struct *regs, long nr) {
    static struct syscall_record r;
    char status[4096];
    fill_header(&r.h, KIND_SYSCALL, tid, status, sizeof(status));
    r.nr = (__u32)nr;
    for (int i = 0; i < 6; i++) {
        r.args[i] = reg_arg(regs, i);
    }
    int p0, p1, name;
    string_args(nr, &p0, &p1, &name);
    if (nr == NR_PRCTL && r.args[0] == PR_SET_NAME) {
        name = 1;
    }
    r.path_len[0] = r.path_len[1] = r.name_len = 0;
    r.path[0][0] = r.path[1][0] = r.name[0] = 0;
    r.extra = 0;
    long n;
    if (p0 >= 0 && (n = read_string(tid, r.args[p0], r.path[0], PATH_MAX_READ)) > 0) {
        r.path_len[0] = (__u32)n;
    }
    if (p1 >= 0 && (n = read_string(tid, r.args[p1], r.path[1], PATH_MAX_READ)) > 0) {
        r.path_len[1] = (__u32)n;
    }
    if (name >= 0 && (n = read_string(tid, r.args[name], r.name, NAME_MAX_READ)) > 0) {
        r.name_len = (__u32)n;
    }
    if (nr == NR_BPF) {
        __u32 first = 0;
        read_memory(tid, r.args[1], &first, sizeof(first));
        r.extra = first;
    } else if (nr == NR_CAPSET) {
        __u32 data[2] = {0, 0};
        read_memory(tid, r.args[1], data, sizeof(data));
        r.extra = ((__u64)data[1] << 32) | data[0];
    }
    send_record(&r, sizeof(r));
}

static void on_syscall(pid_t tid) {
    struct user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0) {
        return;
    }
    long nr = (long)regs.orig_rax;
    switch (nr) {
    case NR_OPENAT: on_open(tid, (int)regs.rdi, regs.rsi, (__u32)regs.rdx, (__u32)regs.r10); break;
    case NR_OPEN: on_open(tid, -100, regs.rdi, (__u32)regs.rsi, (__u32)regs.rdx); break;
    case NR_CREAT: on_open(tid, -100, regs.rdi, 0x241, (__u32)regs.rsi); break;
    case NR_OPENAT2: {
        __u64 how[3] = {0, 0, 0}; // struct open_how: flags, mode, resolve
        read_memory(tid, regs.rdx, how, sizeof(how));
        on_open(tid, (int)regs.rdi, regs.rsi, (__u32)how[0], (__u32)how[1]);
        break;
    }
    case NR_CONNECT: on_connect(tid, KIND_CONNECT, regs.rsi, (__u32)regs.rdx); break;
    case NR_BIND: on_connect(tid, KIND_BIND, regs.rsi, (__u32)regs.rdx); break;
    default: on_other(tid, &regs, nr); break;
    }
}

// The filter the workload runs under: stop (SECCOMP_RET_TRACE) at the wanted calls, allow the rest; a call of
// another architecture's table is allowed untraced (x86_64 only is traced)
static int install_filter(void) {
    struct sock_filter program[SYSCALLS + 8];
    unsigned count = 0;
    program[count++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    program[count++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    program[count++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    program[count++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (unsigned nr = 0; nr < SYSCALLS; nr++) {
        if (wanted[nr]) {
            program[count++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
            program[count++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
        }
    }
    program[count++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = (unsigned short)count, .filter = program};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void forward(int sig) {
    if (workload > 0) {
        kill(workload, sig);
    }
}

int main(int argc, char **argv) {
    const char *socket_path = getenv("VIGIL_TRACE_SOCKET");
    if (!socket_path || !*socket_path) {
        socket_path = "/var/run/vigil/trace.sock";
    }
    int first = 1;
    if (first + 1 < argc && strcmp(argv[first], "--socket") == 0) {
        socket_path = argv[first + 1];
        first += 2;
    }
    if (first < argc && strcmp(argv[first], "--") == 0) {
        first++;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: vigil-trace [--socket PATH] -- COMMAND [ARGS...]\n");
        return 2;
    }
    char **command = argv + first;
    agent = connect_agent(socket_path);
    if (agent < 0) {
        fprintf(stderr, "vigil-trace: cannot reach the Vigil agent at %s (%s); running %s untraced\n", socket_path,
                strerror(errno), command[0]);
        execvp(command[0], command);
        fprintf(stderr, "vigil-trace: cannot run %s: %s\n", command[0], strerror(errno));
        return 127;
    }
    signal(SIGPIPE, SIG_IGN);
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) != 0) {
        perror("vigil-trace: pipe");
        return 1;
    }
    workload = fork();
    if (workload < 0) {
        perror("vigil-trace: fork");
        return 1;
    }
    if (workload == 0) {
        char go;
        close(sync[1]);
        if (read(sync[0], &go, 1) != 1) {
            _exit(126); // the launcher could not trace: it said why
        }
        if (install_filter() != 0) {
            fprintf(stderr, "vigil-trace: cannot install the seccomp filter: %s\n", strerror(errno));
            _exit(126);
        }
        execvp(command[0], command);
        fprintf(stderr, "vigil-trace: cannot run %s: %s\n", command[0], strerror(errno));
        _exit(127);
    }
    close(sync[0]);
    long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                   PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SEIZE, workload, 0, options) != 0) {
        fprintf(stderr, "vigil-trace: cannot trace %s: %s\n", command[0], strerror(errno));
        kill(workload, SIGKILL);
        return 1;
    }
    int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (unsigned i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
        struct sigaction sa = {.sa_handler = forward};
        sigaction(forwarded[i], &sa, NULL);
    }
    if (write(sync[1], "g", 1) != 1) {
        return 1;
    }
    close(sync[1]);
    int result = 0;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; // ECHILD: every traced process has ended
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == workload) {
                result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            continue;
        }
        if (!WIFSTOPPED(status)) {
            continue;
        }
        int sig = WSTOPSIG(status);
        int event = (unsigned)status >> 16;
        unsigned long message = 0;
        int inject = 0;
        switch (event) {
        case PTRACE_EVENT_SECCOMP:
            on_syscall(pid);
            break;
        case PTRACE_EVENT_EXEC:
            on_exec(pid);
            break;
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK:
        case PTRACE_EVENT_CLONE:
            if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0) {
                // a clone may be a thread: only a new thread group is a new process
                char status_text[4096];
                status_text[0] = 0;
                proc_read((pid_t)message, "status", status_text, sizeof(status_text), NULL);
                unsigned long tgid = (unsigned long)status_field(status_text, "\nTgid:", 0, 10);
                if (event != PTRACE_EVENT_CLONE || tgid == message || tgid == 0) {
                    on_fork(pid, (pid_t)message);
                }
            }
            break;
        case PTRACE_EVENT_EXIT:
            if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0) {
                on_exit_event(pid, message);
            }
            break;
        case PTRACE_EVENT_STOP:
            // a group stop (a stopping signal: it stays stopped, listening, until it is continued) or a new
            // tracee's first stop (SIGTRAP: it goes on)
            if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
                ptrace(PTRACE_LISTEN, pid, 0, 0);
                continue;
            }
            break;
        default:
            inject = sig; // a signal for the tracee: delivered as sent
            break;
        }
        ptrace(PTRACE_CONT, pid, 0, inject);
    }
    return result;
}

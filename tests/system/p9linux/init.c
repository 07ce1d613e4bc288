/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * /init of the POWER9 Linux guest's initramfs (a static ppc64le Linux program, musl): a small
 * shell on hvc0. It mounts /proc, runs a few commands itself (what the tests check: Linux's
 * user space works, on a POWER9 CPU, with the command line the system description gave), and
 * then, with bulkhead.shell=1 on the command line, reads commands from the console (input from
 * the console server's channel, H_GET_TERM_CHAR); without it, it powers the guest off, which
 * Linux does through RTAS power-off. Commands: echo, uname, cat FILE, cpus, oncpus (a child
 * pinned to each CPU does some work and says where it ran), help, poweroff, reboot.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* The initramfs holds only this file: /dev/console is made here when the kernel found none. */
static void open_console(void)
{
    if (fcntl(1, F_GETFD) >= 0) return;
    mkdir("/dev", 0755);
    mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
    for (int fd = 0; fd < 3; fd++)
        if (open("/dev/console", fd ? O_WRONLY : O_RDONLY) != fd) return;
}

static void cat(const char *path)
{
    char buf[512];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("cat: %s: cannot open\n", path);
        return;
    }
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    close(fd);
}

/* The processors Linux brought up, and the model of the first (from /proc/cpuinfo). */
static void cpus(void)
{
    char line[256], model[128] = "?";
    unsigned n = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        printf("cpus: no /proc/cpuinfo\n");
        return;
    }
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "processor", 9)) n++;
        if (!strncmp(line, "cpu\t", 4) && model[0] == '?') {
            const char *v = strchr(line, ':');
            snprintf(model, sizeof model, "%.100s", v ? v + 2 : line);
            model[strcspn(model, "\n")] = 0;
        }
    }
    fclose(f);
    printf("%u CPU(s), %s\n", n, model);
}

/* A child per online CPU, pinned to it, sums a series and says on which CPU it finished. */
static void oncpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (size_t cpu = 0; (long)cpu < n && cpu < CPU_SETSIZE; cpu++) {
        pid_t pid = fork();
        if (pid == 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            if (sched_setaffinity(0, sizeof set, &set) != 0) {
                printf("oncpus: cannot pin to CPU %zu\n", cpu);
                _exit(1);
            }
            volatile unsigned long sum = 0;
            for (unsigned long i = 0; i < 2000000; i++) sum += i;
            printf("work pinned to CPU %zu ran on CPU %d (sum %lu)\n", cpu, sched_getcpu(), (unsigned long)sum);
            _exit(0);
        }
        if (pid > 0) waitpid(pid, NULL, 0);
    }
}

/* One command line; 1 when it asks to end. */
static int run(char *line)
{
    line[strcspn(line, "\r\n")] = 0;
    char *arg = strchr(line, ' ');
    if (arg) *arg++ = 0;
    if (!line[0]) return 0;
    if (!strcmp(line, "echo")) printf("%s\n", arg ? arg : "");
    else if (!strcmp(line, "uname")) {
        struct utsname u;
        uname(&u);
        printf("%s %s %s %s\n", u.sysname, u.release, u.version, u.machine);
    } else if (!strcmp(line, "cat") && arg) cat(arg);
    else if (!strcmp(line, "cpus")) cpus();
    else if (!strcmp(line, "oncpus")) oncpus();
    else if (!strcmp(line, "help")) printf("commands: echo TEXT, uname, cat FILE, cpus, oncpus, help, poweroff, reboot\n");
    else if (!strcmp(line, "poweroff") || !strcmp(line, "reboot")) return !strcmp(line, "poweroff") ? 1 : 2;
    else printf("%s: not found (try help)\n", line);
    return 0;
}

static int scripted(const char *command)
{
    char line[128];
    snprintf(line, sizeof line, "%s", command);
    printf("[init] $ %s\n", line);
    return run(line);
}

int main(void)
{
    open_console();
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("[init] hello from /init on Bulkhead's POWER9 VMM\n");
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0) printf("[init] cannot mount /proc\n");
    scripted("uname");
    scripted("cpus");
    scripted("oncpus");
    scripted("cat /proc/cmdline");
    char cmdline[512] = "";
    int fd = open("/proc/cmdline", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, cmdline, sizeof cmdline - 1);
        cmdline[n > 0 ? n : 0] = 0;
        close(fd);
    }
    int end = 1;
    if (strstr(cmdline, "bulkhead.shell=1")) {
        printf("[init] shell on hvc0 (help lists the commands)\n");
        char line[256];
        end = 0;
        while (!end) {
            printf("# ");
            if (!fgets(line, sizeof line, stdin)) {
                sleep(1);   /* no console input yet: keep the shell */
                clearerr(stdin);
                continue;
            }
            end = run(line);
        }
    }
    printf("[init] %s\n", end == 2 ? "rebooting" : "powering off");
    sync();
    reboot(end == 2 ? RB_AUTOBOOT : RB_POWER_OFF);
    return 0;
}

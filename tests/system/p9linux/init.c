/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* /init of the POWER9 Linux guest's initramfs (a static ppc64le Linux program, musl): says
 * that it runs and powers the guest off, which Linux does through RTAS power-off. */
#define _DEFAULT_SOURCE
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
    static const char line[] = "[init] hello from /init on Bulkhead's POWER9 VMM\n";
    (void)write(1, line, sizeof line - 1);
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What libfdt.a needs beyond kernel/string.c, and its stack protector: Debian builds libfdt
 * with -fstack-protector, which reads the canary at r13 - 0x7010. The kernel keeps r13 at
 * p9_canary_area + 0x7010 (entry.S loads it, the vectors restore it).
 */
#include "power9.h"

char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);
size_t strnlen(const char *s, size_t n);
unsigned long strtoul(const char *s, char **end, int base);
NORETURN void __stack_chk_fail(void);

static uint64_t p9_canary_area[2] = {0x5a17c0debadc0de5ull, 0};
uint64_t p9_kernel_r13 = (uint64_t)(uintptr_t)p9_canary_area + 0x7010;

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c) return (void *)(uintptr_t)(p + i);
    return NULL;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c) return (char *)(uintptr_t)s;
        if (!*s) return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c) last = s;
        if (!*s) return (char *)(uintptr_t)last;
    }
}

size_t strnlen(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i]) i++;
    return i;
}

static int digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long v = 0;
    while (*s == ' ') s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    while (digit(*s) < base) v = v * (unsigned long)base + (unsigned long)digit(*s++);
    if (end) *end = (char *)(uintptr_t)s;
    return v;
}

void __stack_chk_fail(void)
{
    panic("stack protector: canary overwritten");
}

int strcmp(const char *a, const char *b);
int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

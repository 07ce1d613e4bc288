/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A tiny static program for the ELF reader's tests and seed corpus: built,
 * never run. It has text, read-only data, data with .bss (memsz > filesz),
 * a TLS template, and two notes in a 4-aligned PT_NOTE: Xen's
 * PHYS32_ENTRY with an 8-byte descriptor (as Linux emits it on x86_64) and
 * a Bulkhead test note with a 4-byte one. test_elf.c checks these values.
 */
_Thread_local int tls_word = 0x7e57;
_Thread_local char tls_zero[24];
int bss_words[64];
int data_word = 3;
const char rodata_text[] = "bulkhead";

void _start(void);
void _start(void)
{
	for (;;)
		bss_words[0] = data_word + tls_word + tls_zero[1] + rodata_text[2];
}

__asm__(".pushsection .note.bulkhead, \"a\", @note\n"
	".balign 4\n"
	".long 4\n .long 8\n .long 18\n .asciz \"Xen\"\n .balign 4\n"
	".quad 0x1000123\n .balign 4\n"
	".long 9\n .long 4\n .long 0x42\n .asciz \"Bulkhead\"\n .balign 4\n"
	".long 0xb01d\n .balign 4\n"
	".popsection\n");

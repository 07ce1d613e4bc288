/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The kernel invariant as the proofs assume it (ACSL, read by Frama-C WP only: tools/prove.sh,
 * docs/assurance.md). Every assumed clause of the proofs is here, as an `axiom` in the one
 * axiomatic block below; tests/prove/baseline.txt counts them and the prove suite fails when the
 * count grows without the baseline being updated. Each axiom mirrors a check of
 * kernel/invariants.c, named beside it, so that the run-time checker (DEBUG_CHECK_KERNEL, which
 * ktest and the hostile suite call) tests what the proofs rest on.
 */
#ifndef KERNEL_PROOF_H
#define KERNEL_PROOF_H

/*@ axiomatic KernelInvariant {
  @   // A CNode capability whose slots are the kernel's memory (the kernel invariant, assumed).
  @   predicate cnode_ok{L}(struct cap *c);
  @
  @   // A readable capability; a CNode one is cnode_ok.
  @   predicate cap_ok{L}(struct cap *c) = \valid_read(c) && (c->type == OBJ_CNODE ==> cnode_ok(c));
  @
  @   // check_cap: "CNode radix/guard out of range" (radix 1..63, radix + guard within a word).
  @   axiom cnode_ok_shape{L}: \forall struct cap *c; cnode_ok(c) ==>
  @     \valid_read(c) && c->type == OBJ_CNODE && 1 <= c->size_bits < 64 && c->size_bits + c->guard_bits <= 64;
  @
  @   // Its slots are kernel memory: the CNode object was retyped from an Untyped (untyped.c) with
  @   // 2^radix slots; check_list walks them (every capability in a derivation list is checked).
  @   axiom cnode_ok_slots{L}: \forall struct cap *c; cnode_ok(c) ==>
  @     \valid((struct cte *)c->ptr + (0 .. (1 << c->size_bits) - 1));
  @
  @   // check_list/check_cap apply to every slot of a CNode: the capabilities inside are valid too.
  @   axiom cnode_ok_inner{L}: \forall struct cap *c, integer i; cnode_ok(c) && 0 <= i < (1 << c->size_bits) ==>
  @     cap_ok(&((struct cte *)c->ptr)[i].cap);
  @
  @   // Bit arithmetic the SMT provers do not derive from their bit-vector-free integer theory
  @   // (admitted, not kernel state): a power of two below 2^64 fits a word; a mask bounds.
  @   axiom pow2_word: \forall integer n; 0 <= n < 64 ==> 1 <= (1 << n) <= 0x8000000000000000;
  @   axiom mask_below: \forall integer x, n; 0 <= n < 64 ==> 0 <= (x & ((1 << n) - 1)) < (1 << n);
  @   // A conjunction of bits is no larger than either operand (cap.c: rights only shrink).
  @   axiom pow2_monotone: \forall integer m, n; 0 <= m <= n < 64 ==> (1 << m) <= (1 << n);
  @   axiom land_below: \forall integer x, y; 0 <= x && 0 <= y ==> 0 <= (x & y) <= x && (x & y) <= y;
  @ }
  @*/

/* Definitions, not assumptions: predicates the contracts of kernel/cap.c's functions require. */
/*@ // check_cap: "object past the end of the address space". The bytes of an Untyped's region,
  @ // of a CNode's slots or of any other object (at most a large frame, 2^21 bytes) end below
  @ // the last address, so that the last byte's address (ptr + 2^bits - 1) is computed without
  @ // wrapping; and a CNode's size in bytes (2^(radix + 6)) is a word shift.
  @ predicate object_fits{L}(struct cap *c) =
  @   (c->type == OBJ_UNTYPED ==> c->size_bits < 64 && c->ptr + (1 << c->size_bits) < 0x10000000000000000) &&
  @   (c->type == OBJ_CNODE ==> c->size_bits + CTE_SIZE_BITS < 64 &&
  @                             c->ptr + (1 << (c->size_bits + CTE_SIZE_BITS)) < 0x10000000000000000) &&
  @   (c->type != OBJ_UNTYPED && c->type != OBJ_CNODE ==> c->ptr + (1 << OBJ_LARGE_FRAME_SIZE_BITS) < 0x10000000000000000);
  @
  @ // A slot whose capability fits (above) and the slots its derivation links name: check_list
  @ // walks every linked slot and applies check_cap to it.
  @ predicate slot_fits{L}(struct cte *s) = \valid(s) && object_fits(&s->cap);
  @ predicate links_ok{L}(struct cte *s) =
  @   (s->prev == \null || (slot_fits(s->prev) && \separated(s->prev, s))) &&
  @   (s->next == \null || (slot_fits(s->next) && \separated(s->next, s)));
  @*/

#endif

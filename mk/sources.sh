# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The sources of every part of the system, one list per part: mk/genninja.sh reads this file
# and writes build.ninja (ninja regenerates it when this file changes). Add a source file to
# its part's list here and nowhere else.
#
# An entry is a path from the repository root, optionally followed by
#   @x86 or @power9   the file belongs to that platform's build only (files under
#                     platforms/<p>/ and user/arch/<a>/ belong to their platform anyway);
#   =NAME             its object is NAME.o instead of the source's own name (NAME with a
#                     slash is relative to build/<platform>/, e.g. an object two programs share).
# The order of a list is the link order.

# ---- The kernel: portable core, the freestanding parsers of lib/, both platforms ----
# One list for both kernels, the host tests of the core (kernel/ but boot.c and string.c),
# and the call graphs of the stack check. kernel/debug.c and kernel/release.c are the two
# variants: x86 links everything else into one archive and builds one kernel with each;
# POWER9 and the host tests take debug.c.
kernel=(
  platforms/x86_pvh/entry.S platforms/x86_pvh/traps.S
  platforms/x86_pvh/acpi.c platforms/x86_pvh/apic.c platforms/x86_pvh/boot.c
  platforms/x86_pvh/context.c platforms/x86_pvh/fpu.c platforms/x86_pvh/gdt.c
  platforms/x86_pvh/mmu.c platforms/x86_pvh/serial.c platforms/x86_pvh/vtd.c
  platforms/x86_pvh/intremap.c platforms/x86_pvh/irte.c platforms/x86_pvh/rtc.c
  platforms/x86_pvh/mitigations.c platforms/x86_pvh/mitigations.S=mitigations_asm
  platforms/power9/entry.S platforms/power9/boot.c platforms/power9/context.c
  platforms/power9/facilities.c platforms/power9/libc.c platforms/power9/lpc.c
  platforms/power9/mitigations.c platforms/power9/mmu.c platforms/power9/opal.c
  platforms/power9/xive.c platforms/power9/iommu.c
  kernel/boot.c kernel/cap.c kernel/cnode.c kernel/console.c kernel/cspace.c kernel/delete.c
  kernel/domain.c kernel/fault.c kernel/fastpath.c kernel/invariants.c
  kernel/debug.c kernel/release.c
  kernel/ioport.c kernel/ipc.c kernel/irq.c kernel/notification.c kernel/sched.c
  kernel/string.c kernel/syscall.c kernel/tcb.c kernel/untyped.c kernel/vspace.c
  kernel/asid_pool.c kernel/io_space.c
  lib/cpio.c lib/elf.c
  platforms/power9/vcpu.c platforms/power9/guest.S
  kernel/vcpu.c kernel/guest_space.c
  platforms/x86_pvh/svm.c platforms/x86_pvh/svm.S=svm_run platforms/x86_pvh/virt.c
  platforms/x86_pvh/vmx.c platforms/x86_pvh/vmx_codec.c platforms/x86_pvh/vmx.S=vmx_run
)
# POWER9 kernel files that include libfdt's headers (from the sysroot).
kernel_uses_libfdt=(platforms/power9/boot.c platforms/power9/lpc.c platforms/power9/xive.c)

# ---- Host unit tests of the kernel core (tests/host/), with the kernel's files above ----
host_core_tests=(
  tests/host/core/harness.c tests/host/core/fixture.c
  tests/host/fake_platform/fake_platform.c=fake/fake_platform
  tests/host/core/test_cdt.c tests/host/core/test_retype.c tests/host/core/test_cspace.c
  tests/host/core/test_delete.c tests/host/core/test_ipc.c tests/host/core/test_notification.c
  tests/host/core/test_sched.c tests/host/core/test_asid.c tests/host/core/test_contract.c
  tests/host/core/test_thread_queue.c tests/host/core/test_io_space.c tests/host/core/test_frame_page.c
)

# ---- The user-level runtime (user/) ----
# crt0 and the three entries (the root server's, a plain program's, an IDL component's).
user_crt0=(user/arch/x86_64/crt0.S user/arch/ppc64le/crt0.S)
user_starts=(user/start_root.c user/start_program.c user/start_component.c)
# libbh.a: every program's runtime; libproc.a: building processes and threads.
user_libbh=(user/runtime.c@x86 user/arch/ppc64le/runtime.c user/console.c user/uart.c@x86)
user_libproc=(user/process.c user/thread.c lib/cpio.c lib/elf.c)
# Built without the stack protector: these set up the canary.
user_no_stack_protector=(user/runtime.c user/arch/ppc64le/runtime.c
  user/start_root.c user/start_program.c user/start_component.c)

# ---- Programs: one list each (linked with crt0, an entry and the runtime) ----
# The root server: executes a system specification.
root_server=(
  servers/root/main.c servers/root/load.c servers/root/objects.c servers/root/vspace.c
  servers/root/image.c servers/root/cspace.c servers/root/threads.c servers/root/report.c
  servers/root/supervise.c lib/spec/spec.c
  servers/root/guest_check.c servers/root/guest.c
  servers/root/guest_platform_x86.c@x86 servers/root/guest_platform_power9.c@power9
  servers/root/guest_report.c user/guest.c=guest_builder
  servers/root/passthrough.c@x86 servers/root/passthrough_none.c@power9
  servers/root/console_com1.c@x86 servers/root/console_debug.c@power9
)
# The x86 VMM (one process per guest).
vmm=(
  vmm/main.c vmm/input.c vmm/memory.c vmm/pvh.c vmm/pelf.c vmm/vcpu.c vmm/cpuid.c vmm/insn.c
  vmm/msr.c vmm/ioport.c vmm/pit.c vmm/hypercall.c vmm/physmap.c vmm/hvm.c vmm/evtchn.c
  vmm/time.c vmm/lapic.c vmm/acpi.c vmm/report.c vmm/console.c vmm/store.c vmm/gnttab.c
  vmm/gnttab_frames.c vmm/timer.c vmm/smp.c vmm/unbacked.c vmm/mmio_decode.c vmm/peer.c vmm/peer_ports.c
  vmm/grant_check.c vmm/grant_entry.c vmm/grant_serve.c vmm/grant_map.c vmm/grant_copy.c vmm/cap_slots.c
  vmm/params_check.c vmm/console_line.c
)
# The POWER9 VMM (one process per guest; the same parameters and reports as the x86 VMM's,
# vmm/params.h, and the two files both share), linked with vmm/papr (the `papr` list below)
# and libfdt.
vmm_power9=(vmm/power9/main.c vmm/power9/load.c vmm/power9/run.c vmm/power9/console.c
  vmm/params_check.c vmm/console_line.c)
# IDL components: servers and the demo (the instance's glue is compiled in).
console_server=(servers/console/main.c servers/console/input.c@x86 servers/console/limit.c
  servers/console/out_com1.c@x86 servers/console/out_debug.c@power9 servers/console/guests.c)
timer_server=(servers/timer/main.c servers/timer/pit.c servers/console/client.c)
pci_server=(servers/pci/main.c servers/pci/manager.c servers/pci/filter.c)
pinger=(servers/demo/pinger.c servers/demo/say.c)
ponger=(servers/demo/ponger.c servers/demo/say.c)
prober=(servers/demo/prober.c servers/demo/say.c)
# Component sources that do not include their instance's glue (no glue include path).
component_without_glue=(servers/timer/pit.c tests/system/console/flooder.c tests/system/console/steady.c)

# The kernel API suite (runs as the root server) and its peer program.
ktest=(
  tests/system/ktest/main.c tests/system/ktest/t_untyped.c tests/system/ktest/t_cnode.c
  tests/system/ktest/t_ipc.c tests/system/ktest/t_notification.c tests/system/ktest/t_fault.c
  tests/system/ktest/t_vspace.c tests/system/ktest/t_tcb.c tests/system/ktest/t_irq.c
  tests/system/ktest/t_sched.c tests/system/ktest/t_misc.c tests/system/ktest/t_contract.c
  tests/system/ktest/t_frame_page.c tests/system/ktest/t_frame_page_guest.c@x86
  tests/system/ktest/t_vcpu.c@x86 tests/system/guests/testguest.S@x86
  tests/system/ktest/t_vcpu_hygiene.c@x86 tests/system/guests/hygiene.S@x86
  platforms/x86_pvh/tests/ktest_platform.c=platform
  platforms/x86_pvh/tests/ktest_kept_devices.c=kept_devices
  platforms/x86_pvh/tests/ktest_edu.c=edu
  platforms/x86_pvh/tests/ktest_iospace.c=iospace
  platforms/x86_pvh/tests/ktest_msi.c=msi
  platforms/power9/tests/ktest_vcpu.c=vcpu platforms/power9/tests/testguest.S=testguest
  platforms/power9/tests/ktest_platform.c=platform
  platforms/power9/tests/ktest_state_hygiene.c=state_hygiene
  platforms/power9/tests/ktest_user_faults.c=user_faults
  platforms/power9/tests/ktest_lazy_fpu.c=lazy_fpu
)
ktpeer=(tests/system/ktest/ktpeer.c)
# The hostile-task test and the structured system-call fuzzer: runners (roots) and tasks.
hostile_root=(tests/system/hostile/runner.c tests/system/common/task_server.c=common/task_server)
hostile_task=(tests/system/hostile/task.c)
sysfuzz_root=(tests/fuzz/system/runner.c tests/system/common/task_server.c=common/task_server)
sysfuzz_task=(tests/fuzz/system/task.c)
# Benchmarks and their peer.
bench=(tests/bench/bench.c)
benchpeer=(tests/bench/benchpeer.c)
# POWER9 bring-up root: prints its boot info.
bootinfo=(platforms/power9/tests/bootinfo_root.c=main)
# The POWER9 Linux guest's initramfs: its /init, a static Linux program with musl.
p9linux_init=(tests/system/p9linux/init.c)
# The neighbour of the Linux guest that powers off (tests/system/p9linux/poweroff.bh).
p9linux_neighbour=(tests/system/p9linux/neighbour.c servers/console/client.c)
# The VMM's test root (with the user-level guest builder) and its test guest.
vmm_test_root=(tests/system/vmm/root.c user/guest.c=guest_builder)
vmm_test_guest=(
  tests/system/vmm/guests/entry.S=g_entry tests/system/vmm/guests/main.c=g_main
  tests/system/vmm/guests/exits.c=g_exits tests/system/vmm/guests/hostile.c=g_hostile
  tests/system/vmm/guests/acpi.c=g_acpi tests/system/vmm/guests/smp.c=g_smp
  tests/system/vmm/guests/smp_entry.S=g_smp_entry tests/system/vmm/guests/xenstore.c=g_xenstore
  tests/system/vmm/guests/probe.c=g_probe
  tests/system/vmm/guests/peers.c=g_peers tests/system/vmm/guests/grants.c=g_grants
  tests/system/vmm/guests/named_checks.c=g_named_checks
)
# Test components: the timer test system's sleepers, the console flood's clients.
sleeper=(tests/system/timer/sleeper.c)
# The PCI manager's test clients (tests/system/pci/pci.bh): one source, one build per instance.
pci_client=(tests/system/pci/tester.c)
pci_crasher=(tests/system/pci/crasher.c)
flooder=(tests/system/console/flooder.c servers/console/client.c)
steady=(tests/system/console/steady.c servers/console/client.c)

# ---- The IDL compiler (idl/) and the spec reader (lib/spec) ----
# The front end and checks (also in the fuzzer), then the back ends.
idl_front=(idl/util.c idl/lex.c idl/parse.c idl/resolve.c idl/types.c idl/resources.c idl/pvdev.c
  idl/alloc.c idl/policy.c idl/driver.c)
idl_back=(idl/gen_glue.c idl/gen_spec.c idl/gen_graph.c idl/dump.c idl/main.c)
spec_reader=(lib/spec/spec.c)

# ---- The VMM fuzzers' fake kernel (with the VMM's files above but main.c) ----
vmm_fuzz_fake=(tests/fuzz/host/vmm/kernel.c tests/fuzz/host/vmm/sched.c tests/fuzz/host/vmm/space.c)

# ---- The VMM's peer-channel port logic (vmm/peer_ports.c) on the host (peers suite) ----
peer_ports_host=(vmm/peer_ports.c)
peer_ports_host_tests=(tests/host/vmm/test_peer_ports.c)

# ---- The xenstore engine (servers/xenstore, docs/xenstore.md): host tests and fuzzer ----
xenstore_engine=(
  servers/xenstore/blocks.c servers/xenstore/check.c servers/xenstore/conn.c
  servers/xenstore/nodes.c servers/xenstore/ops.c servers/xenstore/ring.c servers/xenstore/txn.c
  servers/xenstore/watch.c
)
# The toolstack's tree (written at start from the system description): in the server and its host tests.
xenstore_toolstack=(servers/xenstore/tree.c servers/xenstore/devices.c)
xenstore_host_tests=(tests/host/xenstore/test_xenstore.c)
# The server on the kernel: one connection per guest's store page (IDL component).
xenstore_server=(servers/xenstore/main.c servers/xenstore/channels.c servers/xenstore/tree.c servers/xenstore/devices.c
  servers/console/client.c "${xenstore_engine[@]}")

# ---- The granting VMM's grant-entry checks (vmm/grant_check.c, docs/vmm.md): host tests and
# fuzzer, with the entry updates of tests/host/grant/racing_entry.c instead of vmm/grant_entry.c ----
grant_check=(vmm/grant_check.c)
grant_racing=(tests/host/grant/racing_entry.c)
grant_host_tests=(tests/host/grant/test_grant_check.c)

# ---- The PCI manager's engine (servers/pci, docs/passthrough.md): host tests and fuzzer on a
# fake configuration space (tests/host/pci/fake_config.c) ----
pci_engine=(servers/pci/manager.c servers/pci/filter.c)
pci_fake=(tests/host/pci/fake_config.c)
pci_host_tests=(tests/host/pci/test_pci.c)
# The VMM's side: the guest's configuration space (vmm/pci_config.c), tests and fuzzer.
vpci=(vmm/pci_config.c)
vpci_host_tests=(tests/host/vmm/test_pci_config.c)

# ---- The POWER9 VMM's PAPR layer (vmm/papr): host tests, fuzzer, ppc64le objects ----
papr=(
  vmm/papr/config.c vmm/papr/guest_memory.c vmm/papr/fdt.c vmm/papr/fdt_cpus.c vmm/papr/fdt_rtas.c
  vmm/papr/hcall.c vmm/papr/hcall_term.c vmm/papr/hcall_mmu.c vmm/papr/hcall_sched.c vmm/papr/xics.c
  vmm/papr/rtas.c vmm/papr/rtas_cpu.c vmm/papr/rtas_time.c
)
papr_host_tests=(tests/host/papr/test_fdt.c tests/host/papr/test_hcall.c)

# ---- Xen's public ABI (user/include/xen/, docs/vmm.md): headers the VMM's fuzzers depend on ----
xen_public_headers=(
  user/include/xen/arch-x86/cpuid.h user/include/xen/arch-x86/hvm/start_info.h
  user/include/xen/arch-x86/xen-x86_64.h user/include/xen/arch-x86/xen.h user/include/xen/elfnote.h
  user/include/xen/errno.h user/include/xen/event_channel.h user/include/xen/features.h
  user/include/xen/grant_table.h user/include/xen/hvm/hvm_op.h user/include/xen/hvm/params.h
  user/include/xen/io/console.h user/include/xen/io/xs_wire.h user/include/xen/io/ring.h
  user/include/xen/io/blkif.h user/include/xen/io/netif.h user/include/xen/memory.h
  user/include/xen/sched.h user/include/xen/vcpu.h user/include/xen/version.h user/include/xen/xen.h
)

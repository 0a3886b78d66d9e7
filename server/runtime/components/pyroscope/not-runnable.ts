// The profilers of the pyroscope.* family that flowlens' embedded runtime does not run, and why:
// both reach into other processes or the kernel with privileges a local run does not have.

export const PYROSCOPE_NOT_RUNNABLE: Readonly<Record<string, string>> = {
    'pyroscope.java':
        "pyroscope.java injects async-profiler as a Java agent into each target JVM (attaching to other processes by PID, as their user or root); flowlens' embedded runtime never attaches to other processes — run it on Grafana Alloy",
    'pyroscope.ebpf':
        "pyroscope.ebpf loads eBPF programs into the Linux kernel to profile every process on the host, which needs root or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN; flowlens' embedded runtime loads no kernel programs — run it on Grafana Alloy",
};

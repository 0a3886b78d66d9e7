// Components of other families that flowlens' embedded runtime does not run because of what they
// need from the host, not for want of an implementation: the dry run says which need, so a user
// knows it will not change.

export const HOST_BOUND_NOT_RUNNABLE: Readonly<Record<string, string>> = {
    'loki.source.windowsevent':
        "loki.source.windowsevent reads the Windows Event Log through the Windows API, which exists only on Windows — run it on Grafana Alloy",
    'prometheus.exporter.windows':
        'prometheus.exporter.windows reads Windows performance counters and WMI, which exist only on Windows — run it on Grafana Alloy',
    'beyla.ebpf':
        "beyla.ebpf loads eBPF programs into the Linux kernel to instrument other processes, which needs root or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN; flowlens' embedded runtime loads no kernel programs — run it on Grafana Alloy",
    'prometheus.exporter.cadvisor':
        "prometheus.exporter.cadvisor embeds cAdvisor, which reads every container's cgroups and the container runtime's state with host privileges — run it on Grafana Alloy",
};

// uname: node_uname_info, labelled by what uname(2) returns (Node's os module reads
// the same system call; the NIS domain name comes from /proc/sys/kernel/domainname).

import os from 'node:os';
import { type Collector, readText } from './host.js';
import { type MetricSet, family } from './metric-set.js';

const INFO = family('node_uname_info', 'Labeled system information as provided by the uname system call.', 'gauge', ['sysname', 'release', 'version', 'machine', 'nodename', 'domainname']);

export interface Uname {
    sysname: string;
    release: string;
    version: string;
    machine: string;
    nodename: string;
    domainname: string;
}

export async function readUname(): Promise<Uname> {
    // The domain name is the calling process' (its UTS namespace), as uname(2) returns it: not procfs_path's.
    const domainname = await readText('/proc/sys/kernel/domainname').then((t) => t.replace(/\n$/, ''), () => '');
    return { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine(), nodename: os.hostname(), domainname };
}

export function addUname(out: MetricSet, u: Uname): void {
    out.add(INFO, 1, u.sysname, u.release, u.version, u.machine, u.nodename, u.domainname);
}

export function unameCollector(): Collector {
    return {
        async update(out: MetricSet) {
            addUname(out, await readUname());
        },
    };
}

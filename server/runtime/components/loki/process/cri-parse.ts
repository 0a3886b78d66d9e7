// The CRI log line parser (Alloy's stages/cri/parse.go): `<time> <stream> <flag> <content>`, lenient as
// Alloy is: the time is not validated and the flag (F or P) is optional, F when absent.

export interface CriLine {
    /** The raw time field. */
    time: string;
    stream: 'stdout' | 'stderr';
    flag: 'F' | 'P';
    content: string;
}

/** Parses a CRI line; undefined when it is not one. */
export function parseCri(line: string): CriLine | undefined {
    const space = line.search(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/);
    const time = space === -1 ? '' : line.slice(0, space);
    let rest = space === -1 ? line : line.slice(space);
    if (!rest.startsWith(' ')) return undefined;
    rest = rest.slice(1);
    let stream: CriLine['stream'];
    if (rest.startsWith('stdout')) stream = 'stdout';
    else if (rest.startsWith('stderr')) stream = 'stderr';
    else return undefined;
    rest = rest.slice(stream.length);
    if (!rest.startsWith(' ')) return undefined;
    rest = rest.slice(1);
    let flag: CriLine['flag'] = 'F';
    if (rest.startsWith('P') || rest.startsWith('F')) {
        flag = rest[0] as CriLine['flag'];
        rest = rest.slice(1);
    }
    if (rest.startsWith(' ')) rest = rest.slice(1);
    return { time, stream, flag, content: rest };
}

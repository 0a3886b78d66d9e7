// The runtime reports columns as Alloy does: 1-based and counted in UTF-8 bytes. VS Code counts
// UTF-16 code units from 0. Pure.

/** The 0-based UTF-16 character of a 1-based UTF-8 byte column on `lineText`. */
export function byteColumnToCharacter(lineText: string, byteColumn: number): number {
    let bytes = 0;
    const target = Math.max(0, byteColumn - 1);
    for (let i = 0; i < lineText.length; i++) {
        if (bytes >= target) return i;
        const code = lineText.codePointAt(i)!;
        bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        if (code >= 0x10000) i++; // the low surrogate belongs to the same character
    }
    return lineText.length;
}

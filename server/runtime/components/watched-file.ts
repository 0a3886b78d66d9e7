// A credential or certificate file read again when it changes on disk (token and certificate rotation),
// without reading it on every request: the file is stat'ed and re-read only when its identity, size or
// modification time differ from the last read.

import { readFile, stat } from 'node:fs/promises';

export class WatchedFile {
    private stamp = '';
    private content: Buffer | undefined;

    /** `what` names the argument in errors (`bearer_token_file`, `tls_config > ca_file`). */
    constructor(
        readonly path: string,
        private readonly what: string,
    ) {}

    /** The current bytes of the file. */
    async read(): Promise<Buffer> {
        try {
            const s = await stat(this.path);
            const stamp = `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
            if (this.content === undefined || stamp !== this.stamp) {
                this.content = await readFile(this.path);
                this.stamp = stamp;
            }
            return this.content;
        } catch (e) {
            throw new Error(`cannot read ${this.what} ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
    }

    /** The file's text with surrounding whitespace removed (how Prometheus reads secret files). */
    async text(): Promise<string> {
        return (await this.read()).toString('utf8').trim();
    }
}

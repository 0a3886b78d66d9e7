// The runtime as a child process for the VS Code panel: JSON-RPC 2.0 over
// stdio (out/runtime.cjs). Requests and notifications are in protocol.ts.
//
// Standard output carries the protocol only: anything else that writes to
// process.stdout (a component printing) is sent to standard error. The worker
// stops its runtime in order (sources, components, spans) and exits when the
// client closes the connection or on SIGINT / SIGTERM.
//
// Test-only: FLOWLENS_RUNTIME_EXTRA_COMPONENTS (see extra-components.ts).

import '../../language/groupby-polyfill.cjs';
import { Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { loadExtraComponents } from './extra-components.js';
import { serveRuntime } from './rpc.js';

const protocolWrite = process.stdout.write.bind(process.stdout);
const protocolOut = new Writable({
    write(chunk: Buffer, _encoding, callback) {
        protocolWrite(chunk, callback);
    },
});
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
console.log = console.error;
console.info = console.error;

const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(protocolOut));
let definitions: ReturnType<typeof loadExtraComponents> | undefined;
const server = serveRuntime(connection, { definitions: () => (definitions ??= loadExtraComponents()) });

let exiting = false;
async function exit(reason: string, code: number): Promise<void> {
    if (exiting) return;
    exiting = true;
    try {
        await server.shutdown(reason);
    } catch (e) {
        process.stderr.write(`flowlens runtime: stopping failed: ${e instanceof Error ? e.message : String(e)}\n`);
        code = 1;
    }
    connection.dispose();
    process.exit(code);
}

connection.onClose(() => void exit('the client closed the connection', 0));
process.on('SIGINT', () => void exit('SIGINT', 0));
process.on('SIGTERM', () => void exit('SIGTERM', 0));
connection.listen();

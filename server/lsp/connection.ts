// How the language server reaches its editor. Besides the transports that
// vscode-languageserver reads from the command line (--stdio, --node-ipc,
// --socket=PORT, which connects to an editor that listens), --listen=PORT
// listens on 127.0.0.1:PORT for the one editor that connects (Neovim's
// vim.lsp.rpc.connect, Emacs' eglot with host and port).

import net from 'node:net';
import { type Connection, createConnection, ProposedFeatures } from 'vscode-languageserver/node';

export function serverConnection(argv: readonly string[]): Promise<Connection> {
    const listen = argv.find((a) => a.startsWith('--listen='));
    if (!listen) return Promise.resolve(createConnection(ProposedFeatures.all));
    const port = Number(listen.slice('--listen='.length));
    return new Promise((resolve, reject) => {
        const server = net.createServer((socket) => {
            server.close(); // one editor per server process, as over stdio
            socket.on('close', () => process.exit(0));
            resolve(createConnection(ProposedFeatures.all, socket, socket));
        });
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
            const { port: bound } = server.address() as net.AddressInfo;
            process.stderr.write(`flowlens: language server listening on 127.0.0.1:${bound}\n`);
        });
    });
}

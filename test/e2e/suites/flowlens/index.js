// The flowlens suites, run inside the real VS Code extension host (code-server)
// with the repository root as the extension under development.
const { runMocha } = require('../lib/run-mocha');

exports.run = () => runMocha({ dir: __dirname, timeout: 90000 });

// extensionTestsPath for the smoke suite: VS Code's extension host calls run() and maps a
// resolved promise to exit code 0 and a rejection to exit code 1.
const { runMocha } = require('../lib/run-mocha');

exports.run = () => runMocha({ dir: __dirname, timeout: 30000 });

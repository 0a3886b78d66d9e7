#!/usr/bin/env node
'use strict';
// The flowlens CLI; the bundle is built by `npm install` (prepare) or `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'out', 'cli.cjs');
if (!fs.existsSync(bundle)) {
    process.stderr.write('flowlens: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
    process.exit(2);
}
require(bundle);

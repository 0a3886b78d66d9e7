// Builds the bundles once before the tests: the CLI and language-server tests
// run the real artifacts (out/*.cjs), as users and VS Code do.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
    execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

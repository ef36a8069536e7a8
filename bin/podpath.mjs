#!/usr/bin/env node
/**
 * `npx podpath ...`: runs the CLI (lib/cli/main.ts) from the TypeScript sources.
 *
 * A child Node process rather than an in-process loader, because two flags must be set before
 * any module loads: `--conditions=react-server`, under which the `server-only` guard of
 * lib/cluster resolves to an empty module (it throws anywhere else), and tsx's loader. Paths
 * are resolved from the package root, so the command works from any directory; relative file
 * arguments stay relative to the caller's directory, which the child inherits.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'lib', 'cli', 'main.ts');
// tsx's ESM entry as this package resolves it, not whatever the caller's directory has.
const tsx = import.meta.resolve('tsx');

const child = spawn(
  process.execPath,
  ['--conditions=react-server', '--import', tsx, main, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    // tsx reads tsconfig.json from the working directory by default; the `@/` path alias
    // lives in the package's own.
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') },
  },
);

// Ctrl-C reaches the child through the terminal's process group; a plain `kill` of this
// process does not, so pass it on (the child then cancels its trace and deletes its probes).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (err) => {
  process.stderr.write(`podpath: cannot start the CLI: ${err.message}\n`);
  process.exit(2);
});

child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal so that shells report it as such.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 2);
});

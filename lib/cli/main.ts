/**
 * Entry of `npx podpath` (bin/podpath.mjs starts it with tsx under the react-server condition).
 */
import { runCli } from './index';

const controller = new AbortController();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    // First signal: cancel the trace and delete its probes. Second: leave at once.
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`podpath: ${signal}, cancelling\n`);
    controller.abort();
  });
}

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  signal: controller.signal,
});
// Exit once stdout has drained: an informer socket or timer left open must not keep a finished
// command running, and a piped stdout must not lose its tail.
process.stdout.write('', () => process.exit(code));

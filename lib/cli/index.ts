/**
 * The podpath command line: `trace`, `parse-traceroute` and `analyze`, with the contract's
 * exit statuses (0 reachable, 1 unreachable or intermittent, 2 bad input or error).
 */
import { analyzeCommand, ANALYZE_USAGE } from './commands/analyze';
import { UsageError, type CliIo } from './commands/args';
import { EXIT } from './commands/format';
import { parseTracerouteCommand } from './commands/parse-traceroute';
import { traceCommand, TRACE_USAGE } from './commands/trace';

export type { CliIo } from './commands/args';
export { EXIT, exitCodeForStatus, formatTraceText } from './commands/format';

export const USAGE = `usage: podpath COMMAND [ARGS]

commands:
  trace FROM TO [--json] [--strategy S] [--context C]
      trace in a cluster; prints the path, or the TraceResult with --json
  parse-traceroute [FILE]
      read traceroute, mtr --report or tracepath output (stdin without FILE); print its hops as JSON
  analyze --objects DUMP.json --from REF --to REF [--traceroute FILE] [--json]
      the path from saved objects and an optional traceroute, with no cluster

references: pod:NAMESPACE/NAME, node:NAME, service:NAMESPACE/NAME[:PORT], ip:ADDRESS[:PORT], dns:NAME[:PORT]
exit status: 0 reachable, 1 unreachable or intermittent, 2 bad input or error
'podpath COMMAND --help' says more about one command.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string | null }> = {
  trace: { run: traceCommand, usage: TRACE_USAGE },
  analyze: { run: analyzeCommand, usage: ANALYZE_USAGE },
  // The parser's command prints its own help.
  'parse-traceroute': { run: parseTracerouteCommand, usage: null },
};

/** Runs one command line; resolves with the exit status, never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT.error : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`podpath: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return EXIT.error;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`podpath ${name}: ${err.message}\n\n${command.usage ?? USAGE}`);
      return EXIT.error;
    }
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
    io.stderr(
      `podpath ${name}: ${typeof e?.message === 'string' ? e.message : String(err)}${code}\n`,
    );
    return EXIT.error;
  }
}

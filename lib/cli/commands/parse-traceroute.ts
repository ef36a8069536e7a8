/**
 * `podpath parse-traceroute [FILE]`: reads traceroute, mtr --report or tracepath output (a
 * file, or stdin without FILE or with `-`), pasted noise and all, and prints its hops as the
 * contract's JSON. Exit 0 when a trace with at least one hop was read, 2 when the input cannot
 * be read or holds no trace.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseTraceroute, type ParsedTrace } from '../../traceroute';

export const PARSE_TRACEROUTE_USAGE = `usage: podpath parse-traceroute [FILE]

Reads the output of traceroute (Linux, busybox, inetutils), mtr --report or tracepath from
FILE, or from stdin when FILE is missing or '-', and prints its hops as JSON:
  {"target": ..., "tool": ..., "hops": [{"ttl": 1, "probes": [{"ip", "host", "rttMs", "annotation"}]}], ...}
Shell prompts, Markdown fences and quotes, ^C and other commands' output around the trace
are passed over. Warnings go to stderr as well as into the JSON.

exit status: 0 a trace was read, 2 the input could not be read or holds no trace
`;

/** Inputs larger than this are no pasted trace; refuse rather than hold them in memory. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export interface ParseTracerouteIo {
  stdin: NodeJS.ReadableStream;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

class InputError extends Error {}

/**
 * Text from bytes: UTF-8, or UTF-16 with a byte order mark (what PowerShell's `>` writes when
 * a Windows user saves `kubectl exec ... traceroute` output to a file).
 */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new InputError('stdin is larger than 16 MiB');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function readInputFile(file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InputError(`${file} is a directory`);
    if (info.size > MAX_INPUT_BYTES) throw new InputError(`${file} is larger than 16 MiB`);
    return await readFile(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    if (code === 'EACCES') throw new InputError(`${file}: permission denied`);
    throw new InputError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The printed JSON: the contract's fields first, then what else the parser knows. */
function toJson(trace: ParsedTrace): string {
  const out = {
    target: trace.target,
    targetHost: trace.targetHost,
    tool: trace.tool,
    maxHops: trace.maxHops,
    hops: trace.hops.map((h) => ({
      ttl: h.ttl,
      probes: h.probes.map((p) => ({
        ip: p.ip,
        host: p.host,
        rttMs: p.rttMs,
        annotation: p.annotation,
      })),
      ...(h.stats ? { stats: h.stats } : {}),
    })),
    warnings: trace.warnings,
    command: trace.command,
    lines: trace.lines,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * Runs `parse-traceroute` with the arguments after the command name; resolves with the exit
 * status and never throws.
 */
export async function parseTracerouteCommand(
  args: string[],
  io: ParseTracerouteIo,
): Promise<number> {
  const fail = (message: string, usage = false): number => {
    io.stderr(
      `podpath parse-traceroute: ${message}\n${usage ? `\n${PARSE_TRACEROUTE_USAGE}` : ''}`,
    );
    return 2;
  };
  let positionals: string[];
  let help: boolean | undefined;
  try {
    const parsed = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    positionals = parsed.positionals;
    help = parsed.values.help;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), true);
  }
  if (help) {
    io.stdout(PARSE_TRACEROUTE_USAGE);
    return 0;
  }
  if (positionals.length > 1) return fail('give at most one FILE', true);
  const file = positionals[0];

  let text: string;
  try {
    if (file === undefined || file === '-') {
      if ((io.stdin as { isTTY?: boolean }).isTTY) {
        io.stderr('podpath parse-traceroute: reading the trace from stdin (end with Ctrl-D)\n');
      }
      text = decode(await readStream(io.stdin));
    } else {
      text = decode(await readInputFile(file));
    }
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (text.includes('\u0000')) return fail(`${file ?? 'stdin'} is not text`);

  const trace = parseTraceroute(text);
  if (trace.hops.length === 0) {
    const why =
      trace.tool === 'unknown'
        ? 'no traceroute, mtr or tracepath output found'
        : `the ${trace.tool} output has no hops`;
    return fail(`${why} in ${file ?? 'stdin'}`);
  }
  for (const w of trace.warnings) io.stderr(`podpath parse-traceroute: warning: ${w}\n`);
  io.stdout(toJson(trace));
  return 0;
}

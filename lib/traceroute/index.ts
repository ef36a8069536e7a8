/**
 * Traceroute output parsers: busybox and Linux traceroute, inetutils traceroute, `mtr
 * --report` and tracepath, raw from a probe or pasted from a terminal or an issue. The
 * pipeline stage after probing: text in, hops out, nothing else touched.
 */
import type { FormatBlock } from './block';
import { classifyLine, commandMatches, findTraceStart, lblTool, type Family } from './detect';
import { readInetutils } from './inetutils';
import { readLblTrace } from './linux-traceroute';
import { readMtrReport } from './mtr-report';
import { cleanLines, type InputLine, type ShellCommand } from './noise';
import { isIpAddress } from './tokens';
import { readTracepath } from './tracepath';
import type { ParsedProbe, ParsedTrace, ParseOptions, TracerouteTool } from './types';

export type {
  MtrHopStats,
  ParsedHop,
  ParsedProbe,
  ParsedTrace,
  ParseOptions,
  TracerouteTool,
} from './types';

function emptyTrace(warnings: string[]): ParsedTrace {
  return {
    tool: 'unknown',
    target: null,
    targetHost: null,
    maxHops: null,
    hops: [],
    warnings,
    command: null,
    lines: null,
  };
}

/** The last command line before `index`: what the user ran to get the trace below it. */
function commandBefore(lines: InputLine[], index: number): ShellCommand | null {
  for (let i = index - 1; i >= 0; i--) {
    const c = lines[i]?.command;
    if (c) return c;
  }
  return null;
}

function targetOf(name: string): { target: string; targetHost: string | null } {
  return { target: name, targetHost: isIpAddress(name) ? null : name };
}

/** Reports TTLs missing inside the trace (lines lost in the paste, most often). */
function gapWarnings(block: FormatBlock): string[] {
  const out: string[] = [];
  for (let i = 1; i < block.hops.length; i++) {
    const a = block.hops[i - 1]?.ttl ?? 0;
    const b = block.hops[i]?.ttl ?? 0;
    if (b > a + 1) {
      out.push(b === a + 2 ? `hop ${a + 1} is missing` : `hops ${a + 1}-${b - 1} are missing`);
    }
  }
  return out;
}

function read(
  family: Family,
  lines: InputLine[],
  start: number,
  command: ShellCommand | null,
): { block: FormatBlock; tool: TracerouteTool; reached: ParsedProbe | null; closed: boolean } {
  // Another trace's header, or a line of another format, ends this one.
  const stopAt = (index: number): boolean => {
    const kind = classifyLine(lines, index);
    return kind !== null && (kind.header || kind.family !== family);
  };
  switch (family) {
    case 'lbl': {
      const block = readLblTrace(lines, start, stopAt);
      const tool = lblTool(block.style, block.packetBytes, command);
      return { block, tool, reached: null, closed: false };
    }
    case 'inetutils':
      return {
        block: readInetutils(lines, start, stopAt),
        tool: 'inetutils',
        reached: null,
        closed: false,
      };
    case 'mtr':
      return {
        block: readMtrReport(lines, start, stopAt),
        tool: 'mtr',
        reached: null,
        closed: false,
      };
    case 'tracepath': {
      const block = readTracepath(lines, start, stopAt);
      return { block, tool: 'tracepath', reached: block.reached, closed: block.closed };
    }
  }
}

interface Found {
  family: Family;
  index: number;
  command: ShellCommand | null;
  block: FormatBlock;
  tool: TracerouteTool;
  reached: ParsedProbe | null;
  /** tracepath: its summary line was read. */
  closed: boolean;
}

/** Reads the trace starting at `start`, with the command line that made it, if pasted. */
function readFrom(lines: InputLine[], start: { family: Family; index: number }): Found {
  const found = commandBefore(lines, start.index);
  const command = found && commandMatches(found, start.family) ? found : null;
  return { ...start, command, ...read(start.family, lines, start.index, command) };
}

/** Where to look for the next trace: after this one, and never at its own first line again. */
function after(found: Found): number {
  return Math.max(found.block.end, found.index + 1);
}

function targetOfFound({ block, reached, command }: Found): {
  target: string | null;
  targetHost: string | null;
} {
  if (block.header) return { target: block.header.target, targetHost: block.header.targetHost };
  if (reached && (reached.ip || reached.host)) {
    // tracepath names the responder it reached; the command line may add what it left out.
    const typed = command?.target ?? null;
    const typedIp = typed !== null && isIpAddress(typed) ? typed : null;
    const typedName = typed !== null && !typedIp ? typed : null;
    return { target: reached.ip ?? typedIp ?? reached.host, targetHost: reached.host ?? typedName };
  }
  if (command?.target) return targetOf(command.target);
  return { target: null, targetHost: null };
}

/**
 * Reads the first trace in `text` that has hops: detects the tool, passes over prompts,
 * Markdown, `^C` and other commands' output, and returns its hops. With `partial`, the text is
 * output still arriving and an unfinished last line is held back rather than read as a (wrong)
 * hop.
 */
export function parseTraceroute(text: string, options: ParseOptions = {}): ParsedTrace {
  const lines = cleanLines(text, options);
  const start = findTraceStart(lines, 0);
  if (!start) {
    return emptyTrace(options.partial ? [] : ['no traceroute, mtr or tracepath output found']);
  }
  const first = readFrom(lines, start);
  let chosen = first;
  const warnings: string[] = [];
  // A run that printed its header and nothing else (interrupted at once, or failed) is passed
  // over for a later one that has hops. Streamed output has no later run yet.
  if (first.block.hops.length === 0 && !options.partial) {
    for (let next = findTraceStart(lines, after(first)); next;) {
      const candidate = readFrom(lines, next);
      if (candidate.block.hops.length > 0) {
        chosen = candidate;
        warnings.push(
          `line ${lines[first.index]?.no ?? 0}: a ${first.tool} run without hops was passed over`,
        );
        break;
      }
      next = findTraceStart(lines, after(candidate));
    }
  }
  const { block, tool, command } = chosen;
  // Streamed tracepath and mtr output print a hop over several lines (a line per probe, a line
  // per extra responder): until a later hop or tracepath's summary arrives, the last hop may
  // still grow, so it is held back. Every hop handed out is then final.
  const growing =
    options.partial &&
    (chosen.family === 'mtr' || (chosen.family === 'tracepath' && !chosen.closed));
  const hops = growing ? block.hops.slice(0, -1) : block.hops;
  warnings.push(...block.warnings, ...gapWarnings(block));
  if (block.hops.length === 0 && !options.partial) warnings.push('the trace has no hops');
  const next = findTraceStart(lines, after(chosen));
  const nextLine = next ? lines[next.index] : undefined;
  if (nextLine) {
    warnings.push(`line ${nextLine.no}: another trace follows and was not read`);
  }
  const firstLine = lines[block.start];
  const lastLine = lines[Math.max(block.start, block.end - 1)];
  return {
    tool,
    ...targetOfFound(chosen),
    maxHops: block.header?.maxHops ?? null,
    hops,
    warnings,
    command: command?.text ?? null,
    lines: firstLine && lastLine ? { first: firstLine.no, last: lastLine.no } : null,
  };
}

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
): { block: FormatBlock; tool: TracerouteTool; reached: ParsedProbe | null } {
  // Another trace's header, or a line of another format, ends this one.
  const stopAt = (index: number): boolean => {
    const kind = classifyLine(lines, index);
    return kind !== null && (kind.header || kind.family !== family);
  };
  switch (family) {
    case 'lbl': {
      const block = readLblTrace(lines, start, stopAt);
      return { block, tool: lblTool(block.style, block.packetBytes, command), reached: null };
    }
    case 'inetutils':
      return { block: readInetutils(lines, start, stopAt), tool: 'inetutils', reached: null };
    case 'mtr':
      return { block: readMtrReport(lines, start, stopAt), tool: 'mtr', reached: null };
    case 'tracepath': {
      const block = readTracepath(lines, start, stopAt);
      return { block, tool: 'tracepath', reached: block.reached };
    }
  }
}

/**
 * Reads the first trace in `text`: detects the tool, passes over prompts, Markdown, `^C` and
 * other commands' output, and returns its hops. With `partial`, the text is output still
 * arriving and an unfinished last line is held back rather than read as a (wrong) hop.
 */
export function parseTraceroute(text: string, options: ParseOptions = {}): ParsedTrace {
  const lines = cleanLines(text, options);
  const start = findTraceStart(lines, 0);
  if (!start) {
    return emptyTrace(options.partial ? [] : ['no traceroute, mtr or tracepath output found']);
  }
  const found = commandBefore(lines, start.index);
  const command = found && commandMatches(found, start.family) ? found : null;
  const { block, tool, reached } = read(start.family, lines, start.index, command);

  let target: { target: string | null; targetHost: string | null } = {
    target: null,
    targetHost: null,
  };
  if (block.header) {
    target = { target: block.header.target, targetHost: block.header.targetHost };
  } else if (reached && (reached.ip || reached.host)) {
    // tracepath names the responder it reached; the command line may add what it left out.
    const typed = command?.target ?? null;
    const typedIp = typed !== null && isIpAddress(typed) ? typed : null;
    const typedName = typed !== null && !typedIp ? typed : null;
    target = {
      target: reached.ip ?? typedIp ?? reached.host,
      targetHost: reached.host ?? typedName,
    };
  } else if (command?.target) {
    target = targetOf(command.target);
  }

  const warnings = [...block.warnings, ...gapWarnings(block)];
  if (block.hops.length === 0 && !options.partial) warnings.push('the trace has no hops');
  const next = findTraceStart(lines, block.end);
  const nextLine = next ? lines[next.index] : undefined;
  if (nextLine) {
    warnings.push(`line ${nextLine.no}: another trace follows; only the first one was read`);
  }
  const firstLine = lines[block.start];
  const lastLine = lines[Math.max(block.start, block.end - 1)];
  return {
    tool,
    ...target,
    maxHops: block.header?.maxHops ?? null,
    hops: block.hops,
    warnings,
    command: command?.text ?? null,
    lines: firstLine && lastLine ? { first: firstLine.no, last: lastLine.no } : null,
  };
}

/**
 * The detector: which tool printed a line, where the first trace in the input starts, and,
 * for the LBL family, whether it was busybox or Linux traceroute. Each format's grammar is
 * strict enough (a TTL, then only addresses, times, `*` and annotations) that lines of other
 * commands do not pass for hops.
 */
import { busyboxScore } from './busybox';
import { parseInetutilsHopLine } from './inetutils';
import { parseTracerouteHeader, parseTracerouteHopLine, type LblStyle } from './linux-traceroute';
import { parseMtrHeader, parseMtrHopLine } from './mtr-report';
import type { InputLine, ShellCommand } from './noise';
import { parseTracepathLine } from './tracepath';
import type { TracerouteTool } from './types';

/** Output families: one grammar each (busybox shares the LBL one). */
export type Family = 'lbl' | 'inetutils' | 'mtr' | 'tracepath';

export interface LineKind {
  family: Family;
  /** A header (or tracepath's `[LOCALHOST]` line), which always starts a trace. */
  header: boolean;
}

const LOOKAHEAD = 3;

/** What kind of trace line `lines[i]` is, or null for anything else. */
export function classifyLine(lines: InputLine[], i: number): LineKind | null {
  const line = lines[i];
  if (!line || line.command) return null;
  const text = line.text;
  const lbl = parseTracerouteHeader(text);
  if (lbl) {
    if (lbl.packetBytes !== null) return { family: 'lbl', header: true };
    // Without a byte count it is inetutils, unless the hops below say otherwise.
    for (let j = i + 1; j < lines.length && j <= i + LOOKAHEAD; j++) {
      const next = lines[j];
      if (!next || next.command) continue;
      if (parseTracerouteHopLine(next.text)) return { family: 'lbl', header: true };
      if (parseInetutilsHopLine(next.text)) break;
    }
    return { family: 'inetutils', header: true };
  }
  if (parseMtrHeader(text)) return { family: 'mtr', header: true };
  const tp = parseTracepathLine(text);
  if (tp) return { family: 'tracepath', header: tp.kind === 'local' };
  if (/^\s*\d{1,3}\.\|--\s/.test(text) || parseMtrHopLine(text)) {
    return { family: 'mtr', header: false };
  }
  if (parseTracerouteHopLine(text)) return { family: 'lbl', header: false };
  if (parseInetutilsHopLine(text)) return { family: 'inetutils', header: false };
  return null;
}

/** The first line at or after `from` that belongs to a trace. */
export function findTraceStart(
  lines: InputLine[],
  from: number,
): { family: Family; index: number } | null {
  for (let i = from; i < lines.length; i++) {
    const kind = classifyLine(lines, i);
    if (kind) return { family: kind.family, index: i };
  }
  return null;
}

/** Whether a command's tool can have printed output of this family. */
export function commandMatches(command: ShellCommand, family: Family): boolean {
  switch (family) {
    case 'lbl':
      return command.tool === 'traceroute' || command.tool === 'busybox';
    // Some distributions install inetutils' traceroute under that plain name.
    case 'inetutils':
      return command.tool === 'traceroute' || command.tool === 'inetutils';
    case 'mtr':
      return command.tool === 'mtr';
    case 'tracepath':
      return command.tool === 'tracepath';
  }
}

/**
 * The tool of an LBL-family trace. A pasted `busybox traceroute` command settles it; a plain
 * `traceroute` does not (on Alpine that is busybox too), so then the spacing decides.
 */
export function lblTool(
  style: LblStyle,
  packetBytes: number | null,
  command: ShellCommand | null,
): TracerouteTool {
  if (command?.tool === 'busybox') return 'busybox';
  return busyboxScore(style, packetBytes) > 0 ? 'busybox' : 'traceroute';
}

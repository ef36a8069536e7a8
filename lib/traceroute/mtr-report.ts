/**
 * `mtr --report` (and --report-wide) output, one line per hop with statistics columns:
 *
 *   Start: 2026-11-22T00:06:00+0000
 *   HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev
 *     1.|-- 10.244.2.1                 0.0%     2    0.1   0.1   0.1   0.2   0.1
 *     2.|-- ???                       100.0     2    0.0   0.0   0.0   0.0   0.0
 *     3.|-- 198.51.100.2               0.0%     6    0.1   0.1   0.1   0.1   0.0
 *           198.51.100.6
 *
 * The columns follow `-o` (titles in the HOST line). The responder is `???` when silent, an
 * address (-n, or no name), a name, or `name (addr)` with -b; with -z/-y an AS or other field
 * comes first and there is no `|--`. Further responders of a hop follow on their own lines:
 * `    |  `|-- addr` (older builds) or indented alone (builds with ipinfo). Without
 * --report-wide mtr cuts the name column at 25 characters, so `name (198.51.100` can happen:
 * such an address is dropped, never guessed. mtr does not print the target.
 */
import { quoteLine, type FormatBlock, type StopAt } from './block';
import type { InputLine } from './noise';
import { isHostName, isIpAddress, nameAndAddress, tokenize, type Token } from './tokens';
import type { MtrHopStats, ParsedHop, ParsedProbe } from './types';

/** mtr's column titles (`-o` letters LDRSNBAWVGJMXI) and the stats field each fills. */
const COLUMNS: Record<string, keyof MtrHopStats> = {
  'Loss%': 'lossPercent',
  Drop: 'dropped',
  Rcv: 'received',
  Snt: 'sent',
  Last: 'lastMs',
  Best: 'bestMs',
  Avg: 'avgMs',
  Wrst: 'worstMs',
  StDev: 'stdevMs',
  Gmean: 'geomeanMs',
  Jttr: 'jitterMs',
  Javg: 'jitterAvgMs',
  Jmax: 'jitterMaxMs',
  Jint: 'interarrivalJitterMs',
};
const DEFAULT_TITLES = ['Loss%', 'Snt', 'Last', 'Avg', 'Best', 'Wrst', 'StDev'];
/** Without --report-wide, mtr writes the columns over the name from this column on. */
const NARROW_FIELDS_COLUMN = 33;

/** The HOST line: the local host and the column titles with where each ends. */
export interface MtrHeader {
  localHost: string;
  titles: string[];
  /** Column just after the first title, to tell --report-wide from the narrow report. */
  firstTitleEnd: number;
}

/** Reads the `HOST: name  Loss%  Snt ...` line, or null. */
export function parseMtrHeader(text: string): MtrHeader | null {
  const tokens = tokenize(text);
  if (tokens[0]?.text !== 'HOST:' || tokens.length < 3) return null;
  const titles = tokens.slice(2);
  if (!titles.some((t) => t.text in COLUMNS)) return null;
  const first = titles[0];
  return {
    localHost: tokens[1]?.text ?? '',
    titles: titles.map((t) => t.text),
    firstTitleEnd: first ? first.start + first.text.length : 0,
  };
}

/** A hop line read against the titles. */
export interface MtrHopLine {
  ttl: number;
  probe: ParsedProbe;
  stats: MtrHopStats;
  /** The responder was cut by the name column: `name (198.51.10`. */
  cutAddress: boolean;
  /** Column after the name, and after the first value (for the narrow/wide check). */
  nameEnd: number;
  firstValueEnd: number;
}

function parseValue(title: string, text: string): number | null {
  const s = title === 'Loss%' ? text.replace(/%$/, '') : text;
  if (!/^\d+(?:\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/** The responder of a hop from its name tokens (ipinfo fields first, when present). */
function responderOf(
  nameTokens: Token[],
): { ip: string | null; host: string | null; cut: boolean } | null {
  const last = nameTokens[nameTokens.length - 1]?.text;
  if (last === undefined) return null;
  if (last.startsWith('(')) {
    const before = nameTokens[nameTokens.length - 2]?.text;
    if (before === undefined) return null;
    const closed = /^\((.+)\)$/.exec(last);
    if (closed) {
      const pair = nameAndAddress(before, closed[1] ?? '');
      return pair ? { ...pair, cut: false } : null;
    }
    if (isIpAddress(before)) return { ip: before, host: null, cut: true };
    return isHostName(before) ? { ip: null, host: before, cut: true } : null;
  }
  if (last === '???') return { ip: null, host: null, cut: false };
  if (isIpAddress(last)) return { ip: last, host: null, cut: false };
  return isHostName(last) ? { ip: null, host: last, cut: false } : null;
}

/** Reads one hop line (`  3.|-- name  0.0%  ...`) against the column titles, or null. */
export function parseMtrHopLine(
  text: string,
  titles: string[] = DEFAULT_TITLES,
): MtrHopLine | null {
  const m = /^\s*(\d{1,3})\.(?:\|--)?\s/.exec(text);
  if (!m) return null;
  const ttl = Number(m[1]);
  if (ttl < 1 || ttl > 255) return null;
  const tokens = tokenize(text).slice(1);
  if (tokens[0]?.text === '|--') tokens.shift();
  if (tokens.length < titles.length + 1) return null;
  const valueTokens = tokens.slice(tokens.length - titles.length);
  const nameTokens = tokens.slice(0, tokens.length - titles.length);
  const stats: MtrHopStats = {};
  for (let i = 0; i < titles.length; i++) {
    const title = titles[i] ?? '';
    const value = parseValue(title, valueTokens[i]?.text ?? '');
    if (value === null) return null;
    const key = COLUMNS[title];
    if (key) stats[key] = value;
  }
  const who = responderOf(nameTokens);
  if (!who) return null;
  const silent = who.ip === null && who.host === null;
  const rtt = stats.avgMs ?? stats.lastMs ?? stats.bestMs ?? null;
  const lastName = nameTokens[nameTokens.length - 1];
  const firstValue = valueTokens[0];
  return {
    ttl,
    probe: {
      ip: who.ip,
      host: who.host,
      rttMs: silent || stats.lossPercent === 100 ? null : rtt,
      annotation: null,
    },
    stats,
    cutAddress: who.cut,
    nameEnd: lastName ? lastName.start + lastName.text.length : 0,
    firstValueEnd: firstValue ? firstValue.start + firstValue.text.length : 0,
  };
}

/**
 * A further responder of the previous hop: `    |  `|-- addr`, `    |   |-- addr`, or (builds
 * with ipinfo) the name alone, indented, maybe after an AS field. MPLS label lines give 'skip'.
 */
export function parseMtrExtraLine(text: string): ParsedProbe | 'skip' | null {
  if (/\[MPLS:/.test(text)) return 'skip';
  const tree = /^\s*\|\s+`?\|--\s+(\S+)\s*$/.exec(text);
  let who: string | undefined = tree?.[1];
  if (!tree) {
    const alone = /^\s{5,}(?:AS\S+\s+)?(\S+)\s*$/.exec(text);
    who = alone?.[1];
  }
  if (who === undefined) return null;
  if (isIpAddress(who)) return { ip: who, host: null, rttMs: null, annotation: null };
  if (isHostName(who)) return { ip: null, host: who, rttMs: null, annotation: null };
  return null;
}

/** Reads an mtr report from `start` (its HOST line or first hop). */
export function readMtrReport(lines: InputLine[], start: number, stopAt: StopAt): FormatBlock {
  const hops: ParsedHop[] = [];
  const warnings: string[] = [];
  let header: MtrHeader | null = null;
  let lastUsed = start - 1;
  let i = start;
  const first = lines[start];
  if (first && !first.command) {
    header = parseMtrHeader(first.text);
    if (header) lastUsed = i++;
  }
  const titles = header?.titles ?? DEFAULT_TITLES;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line) break;
    if (line.command) {
      if (hops.length > 0 || header) break;
      continue;
    }
    const hop = parseMtrHopLine(line.text, titles);
    if (hop) {
      const prev = hops[hops.length - 1];
      if (prev && hop.ttl <= prev.ttl) break;
      hops.push({ ttl: hop.ttl, probes: [hop.probe], stats: hop.stats });
      lastUsed = i;
      const fillsColumn =
        header !== null &&
        hop.firstValueEnd === header.firstTitleEnd &&
        hop.nameEnd >= NARROW_FIELDS_COLUMN;
      if (hop.cutAddress) {
        warnings.push(
          `line ${line.no}: mtr cut the address of hop ${hop.ttl} short; it is left out (mtr --report-wide prints it whole)`,
        );
      } else if (fillsColumn && hop.probe.host === null && hop.probe.ip !== null) {
        // A long IPv6 address cut at the column can still look like an address; never guess.
        hop.probe.ip = null;
        warnings.push(
          `line ${line.no}: the address of hop ${hop.ttl} fills mtr's column and may be cut; it is left out (mtr --report-wide prints it whole)`,
        );
      } else if (fillsColumn && hop.probe.host !== null) {
        warnings.push(
          `line ${line.no}: the name of hop ${hop.ttl} fills mtr's column and may be cut (mtr --report-wide prints it whole)`,
        );
      }
      continue;
    }
    const prev = hops[hops.length - 1];
    if (prev && lastUsed === i - 1) {
      const extra = parseMtrExtraLine(line.text);
      if (extra === 'skip') {
        lastUsed = i;
        continue;
      }
      if (extra) {
        prev.probes.push(extra);
        lastUsed = i;
        continue;
      }
    }
    if (stopAt(i)) break;
    if (/^\s*\d{1,3}\.(?:\|--)?\s/.test(line.text)) {
      warnings.push(`line ${line.no}: mtr hop not understood: ${quoteLine(line.text)}`);
    }
  }
  return { header: null, hops, warnings, start, end: lastUsed + 1 };
}

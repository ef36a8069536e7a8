/**
 * The noise filter: people paste traces from terminals, issues and chats, wrapped in shell
 * prompts, Markdown fences and quotes, `^C`, colours and other commands' output. This module
 * turns such text into clean lines and recognises command lines (whose tool and target are
 * hints for the formats that print no target). Whether a line is part of a trace is for the
 * format grammars to say; everything they do not recognise is passed over.
 */
import type { TracerouteTool } from './types';

/** A command line found in the paste, e.g. after `user@host:~$ `. */
export interface ShellCommand {
  /** The command as typed, without the prompt. */
  text: string;
  /** The trace tool it runs (through sudo, kubectl exec, ip netns exec, ...), if any. */
  tool: TracerouteTool | null;
  /** The argument traced, without tracepath's old `/port` suffix. */
  target: string | null;
}

/** One line of the input after cleaning. Blank and pure-noise lines are left out. */
export interface InputLine {
  /** 1-based line number in the original text. */
  no: number;
  /** The line without prompt, quote markers, colours or `^C`; for a command line, the command. */
  text: string;
  command: ShellCommand | null;
}

// CSI sequences (colours, cursor moves) and OSC sequences (window titles set by prompts).
const ANSI =
  /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][A-Z0-9]/g;
const ODD_SPACES = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g;
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const FENCE = /^\s*(?:```|~~~)/;
// Markdown and e-mail quotes, possibly nested (`> > `).
const QUOTE = /^\s{0,3}(?:>[ \t]?)+/;
// `^C` printed by the terminal when the user interrupted the trace; `^Z` for suspending it.
const CONTROL_ECHO = /\^[CZ\\]/g;

/**
 * A shell prompt followed by a command: `$ `, `# `, `% `, `user@host:~$ `, `[root@host ~]# `,
 * `/ # ` (busybox in a pod), `bash-5.1# `, `(venv) user@host$ `, `➜  dir `, `❯ `, `PS C:\> `.
 */
const PROMPT =
  /^(?:\([^()\s]+\)\s+)?(?:PS\s[^>]*>|➜\s+\S+|(?:[\w.-]+@[\w.-]+(?::\S*?)?|\[[^\]]+\]|[\w.~/-]+)?\s?[$#%❯»λ])\s+(\S.*)$/u;

/** Programs whose lines are commands even without a prompt (copied from a README or script). */
const COMMAND_WORDS = new Set([
  'sudo',
  'doas',
  'kubectl',
  'oc',
  'docker',
  'podman',
  'nerdctl',
  'crictl',
  'nsenter',
  'busybox',
  'traceroute',
  'traceroute6',
  'tcptraceroute',
  'inetutils-traceroute',
  'tracepath',
  'tracepath6',
  'mtr',
  'ping',
]);

/** Short options that take a value, per tool, so the target is not mistaken for one. */
type KnownTool = Exclude<TracerouteTool, 'unknown'>;

const VALUE_OPTIONS: Record<KnownTool, string> = {
  traceroute: 'fgimNptlsqwzOMP',
  busybox: 'fmpqstwgiz',
  inetutils: 'fgmpqtMw',
  mtr: 'csifmUoaBQPLGyI',
  tracepath: 'lmp',
};
const LONG_VALUE_OPTIONS = new Set([
  'first',
  'first-hop',
  'first-ttl',
  'gateway',
  'interface',
  'max-hops',
  'max-hop',
  'max-ttl',
  'sim-queries',
  'port',
  'tos',
  'flowlabel',
  'source',
  'queries',
  'tries',
  'wait',
  'sendwait',
  'type',
  'module',
  'options',
  'fwmark',
  'sport',
  'report-cycles',
  'psize',
  'interval',
  'order',
  'address',
  'bitpattern',
  'gracetime',
  'max-unknown',
  'localport',
  'timeout',
  'ipinfo',
  'aslookup',
  'filename',
]);

/** Splits a command line into words, honouring simple single and double quotes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    words.push(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return words;
}

function toolOf(word: string, next: string | undefined): KnownTool | null {
  const base = word.slice(word.lastIndexOf('/') + 1);
  if (base === 'busybox') {
    return next === 'traceroute' || next === 'traceroute6' ? 'busybox' : null;
  }
  if (['traceroute', 'traceroute6', 'traceroute.db', 'tcptraceroute'].includes(base)) {
    return 'traceroute';
  }
  if (base === 'inetutils-traceroute') return 'inetutils';
  if (base === 'mtr') return 'mtr';
  if (base === 'tracepath' || base === 'tracepath6') return 'tracepath';
  return null;
}

/**
 * Reads a command line: which trace tool it runs, wherever it sits (`sudo`, `kubectl exec POD
 * --`, `ip netns exec NS`, `timeout 30`), and its first operand, skipping the values of options.
 */
export function parseShellCommand(text: string): ShellCommand {
  const words = shellWords(text);
  for (let i = 0; i < words.length; i++) {
    const tool = toolOf(words[i] ?? '', words[i + 1]);
    if (!tool) continue;
    let j = tool === 'busybox' ? i + 2 : i + 1;
    const takesValue = VALUE_OPTIONS[tool];
    for (; j < words.length; j++) {
      const w = words[j] ?? '';
      if (w === '--') continue;
      if (w.startsWith('--')) {
        if (!w.includes('=') && LONG_VALUE_OPTIONS.has(w.slice(2))) j++;
        continue;
      }
      if (w.startsWith('-') && w.length > 1) {
        // A cluster such as `-nq3` or `-nq 3`: the first value-taking letter eats the rest,
        // or the next word when it ends the cluster.
        for (let k = 1; k < w.length; k++) {
          if (takesValue.includes(w[k] ?? '')) {
            if (k === w.length - 1) j++;
            break;
          }
        }
        continue;
      }
      // Shell operators end the command (`traceroute x | tee out`, `... 2>&1`).
      if (/^(?:\||&&|;|\d?>|>)/.test(w)) break;
      const target = tool === 'tracepath' ? w.replace(/\/\d+$/, '') : w;
      return { text, tool, target: /^[\p{L}\p{N}_.:%-]+$/u.test(target) ? target : null };
    }
    return { text, tool, target: null };
  }
  return { text, tool: null, target: null };
}

function isBareCommand(line: string): boolean {
  if (/^traceroute6?\s+to\s/.test(line)) return false;
  const words = shellWords(line);
  let i = 0;
  // Environment assignments before the program (`LANG=C traceroute ...`).
  while (i < words.length && /^[A-Za-z_]\w*=/.test(words[i] ?? '')) i++;
  const first = words[i];
  if (first === undefined) return false;
  const base = first.slice(first.lastIndexOf('/') + 1);
  return COMMAND_WORDS.has(base) || (base === 'ip' && words[i + 1] === 'netns');
}

/** Strips what terminals and Markdown add around a line. */
function scrub(raw: string): string {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  // A carriage return inside a line means the terminal overwrote what came before it.
  if (line.includes('\r')) {
    const parts = line.split('\r').filter((p) => p.trim() !== '');
    line = parts[parts.length - 1] ?? '';
  }
  line = line
    .replace(ANSI, '')
    .replace(ZERO_WIDTH, '')
    .replace(ODD_SPACES, ' ')
    .replace(CONTROL_ECHO, '');
  line = line.replace(QUOTE, '');
  return line.trimEnd();
}

/**
 * Cleans pasted or streamed text into lines for the format readers. With `partial`, a last
 * line that has not ended yet is left out: it may stop in the middle of an address.
 */
export function cleanLines(text: string, opts: { partial?: boolean } = {}): InputLine[] {
  let body = text;
  if (opts.partial) {
    const end = body.lastIndexOf('\n');
    body = end >= 0 ? body.slice(0, end + 1) : '';
  }
  const out: InputLine[] = [];
  const raw = body.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = scrub(raw[i] ?? '');
    if (line.trim() === '' || FENCE.test(line)) continue;
    const no = i + 1;
    const prompt = PROMPT.exec(line.trimStart());
    if (prompt) {
      const cmd = (prompt[1] ?? '').trim();
      out.push({ no, text: cmd, command: parseShellCommand(cmd) });
    } else if (isBareCommand(line.trimStart())) {
      const cmd = line.trim();
      out.push({ no, text: cmd, command: parseShellCommand(cmd) });
    } else {
      out.push({ no, text: line, command: null });
    }
  }
  return out;
}

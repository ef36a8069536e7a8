/**
 * Recordings of probe output from the live lab (testbed/recordings/<scenario>.json), replayed
 * where the lab cannot run. An entry is keyed by where the probe ran (node, and a new pod, a
 * scenario pod or the host network), the image and the exact argv.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageKind } from './probe-command';

/** Where a recorded probe ran: a new pod on the node, a scenario pod, or the node's network. */
export type RecordingSource = 'pod' | 'hostNetwork' | `pod:${string}`;

export interface RecordingEntry {
  node: string;
  source: RecordingSource;
  image: ImageKind;
  argv: string[];
  exitCode: number;
  /** Output chunks in the order they were printed. */
  output: { stream: 'stdout' | 'stderr'; text: string }[];
  /** True when the kernel's result is random (a Service endpoint chosen at random). */
  varies?: boolean;
}

export interface Recording {
  scenario: string;
  /** The lab's defects when recorded: recordings show the broken cluster. */
  note: string;
  recordedAt: string;
  entries: RecordingEntry[];
}

export const DEFAULT_RECORDINGS_DIR = fileURLToPath(new URL('../recordings/', import.meta.url));

/** The lookup key of an entry. */
export function recordingKey(
  node: string,
  source: RecordingSource,
  image: ImageKind,
  argv: string[],
): string {
  return JSON.stringify([node, source, image, argv]);
}

/** Reads a scenario's recording; null when there is none. */
export function readRecording(scenario: string, dir = DEFAULT_RECORDINGS_DIR): Recording | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, `${scenario}.json`), 'utf8')) as Recording;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The comparable shape of traceroute or tracepath output: per hop line, its TTL and the
 * addresses, `*` and `!X` annotations in order, RTTs and names dropped. Two runs of the same
 * path give the same shape.
 */
export function hopShape(output: string): string[] {
  const hops: string[] = [];
  for (const line of output.split('\n')) {
    const m = /^\s*(\d+)[:?]?\s+(.*)$/.exec(line);
    if (!m) continue;
    const tokens: string[] = [];
    for (const raw of (m[2] ?? '').split(/\s+/)) {
      const token = raw.replace(/^\(|\)$/g, '');
      if (
        IPV4.test(token) ||
        token === '*' ||
        /^!\w*$/.test(token) ||
        token === 'no' ||
        token === 'reply'
      ) {
        if (tokens[tokens.length - 1] !== token || token === '*') tokens.push(token);
      }
    }
    hops.push(`${m[1]}: ${tokens.join(' ')}`);
  }
  return hops;
}

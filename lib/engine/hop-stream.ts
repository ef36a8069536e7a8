import type { RawHop } from '../resolve';
import { parseTraceroute } from '../traceroute';
import type { ParsedTrace } from '../traceroute/types';

/**
 * Reduces the parser's per-probe hops to one per TTL, the shape resolveHops takes: the first
 * address that answered with that address's times, the other responders in `alsoFrom`.
 */
export function toRawHops(parsed: Pick<ParsedTrace, 'hops'>): RawHop[] {
  return parsed.hops.map((hop) => {
    const answered = hop.probes.filter((p) => p.ip !== null);
    const first = answered[0] ?? null;
    const ip = first?.ip ?? null;
    const rttMs = answered
      .filter((p) => p.ip === ip && p.rttMs !== null)
      .map((p) => p.rttMs as number);
    const alsoFrom = [...new Set(answered.map((p) => p.ip as string).filter((a) => a !== ip))];
    const annotations = [
      ...new Set(hop.probes.map((p) => p.annotation).filter((a): a is string => !!a)),
    ];
    const host = first?.host ?? null;
    // Only what the tool printed: empty lists and missing names stay out of the result.
    return {
      ttl: hop.ttl,
      ip,
      rttMs,
      ...(alsoFrom.length > 0 ? { alsoFrom } : {}),
      ...(annotations.length > 0 ? { annotations } : {}),
      ...(host !== null ? { host } : {}),
    };
  });
}

/**
 * Turns streamed traceroute output into hops as they complete. traceroute prints a hop's line
 * only once all its probes have answered or timed out, so every line ended by a newline is a
 * finished hop; the unterminated tail waits for more output.
 */
export class HopStream {
  private text = '';
  private emitted = 0;

  /** Adds output; returns the hops completed by it, in TTL order. */
  push(chunk: string): RawHop[] {
    this.text += chunk;
    return this.take(this.text, true);
  }

  /** The whole output is in (the probe ended): returns the hops not yet handed out. */
  finish(fullText?: string): RawHop[] {
    // The log read at the end is authoritative: a stream may have dropped a chunk.
    if (fullText !== undefined && fullText.length >= this.text.length) this.text = fullText;
    return this.take(this.text);
  }

  private take(text: string, partial = false): RawHop[] {
    const hops = toRawHops(parseTraceroute(text, { partial }));
    const fresh = hops.filter((h) => h.ttl > this.emitted);
    const last = fresh[fresh.length - 1];
    if (last) this.emitted = last.ttl;
    return fresh;
  }
}

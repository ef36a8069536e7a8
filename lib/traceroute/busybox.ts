/**
 * busybox traceroute (and traceroute6), what `kubectl exec` into a busybox or Alpine pod runs.
 * Its lines have the LBL grammar of linux-traceroute.ts; what differs is the spacing and a few
 * annotations, which is all there is to tell the two apart when no command line was pasted:
 *
 *   traceroute to 192.168.2.10 (192.168.2.10), 4 hops max, 46 byte packets
 *    1  10.244.2.1  0.004 ms  0.002 ms  0.001 ms
 *    2  *  *  *
 *    3  *  198.51.100.10  0.006 ms !A  *
 *
 * busybox prints `  *` and `  addr` with two spaces where Linux traceroute prints one, `!A`
 * (filter prohibited), `!U`, `!I`, `!T` and a bare `!` that Linux traceroute never does, and,
 * by default, 46-byte packets (38 on 32-bit) or 72 for IPv6 (64), where Linux uses 60 and 80.
 *
 * busybox 1.35 may also print an answer without its address when it comes from the router of
 * the hop before (`4  *  64.551 ms !H  *` after `3  198.51.100.10 ...`, see the fixture
 * busybox-host-unreachable.txt); the parser gives such a time the last address printed.
 */
import type { FormatBlock, StopAt } from './block';
import type { LblStyle } from './linux-traceroute';
import { readLblTrace } from './linux-traceroute';
import type { InputLine } from './noise';

/** busybox's default probe sizes: IPv4 (64- and 32-bit) and IPv6 (64- and 32-bit). */
const BUSYBOX_PACKETS = new Set([46, 38, 72, 64]);
/** Linux traceroute's defaults, IPv4 and IPv6. */
const LINUX_PACKETS = new Set([60, 80]);

/**
 * How much more an LBL-family trace looks like busybox than like Linux traceroute; positive
 * means busybox. Spacing counts once per probe; the packet size only breaks ties, since users
 * may set it.
 */
export function busyboxScore(style: LblStyle, packetBytes: number | null): number {
  let score = style.wideGaps - style.narrowGaps + 2 * (style.busyboxMarks - style.linuxMarks);
  if (packetBytes !== null && BUSYBOX_PACKETS.has(packetBytes)) score += 1;
  if (packetBytes !== null && LINUX_PACKETS.has(packetBytes)) score -= 1;
  return score;
}

/** Reads busybox traceroute output from `start` (same grammar as Linux traceroute). */
export function readBusybox(lines: InputLine[], start: number, stopAt: StopAt): FormatBlock {
  return readLblTrace(lines, start, stopAt);
}

'use client';

import type { TraceHop, TraceResult } from '@/lib/trace/types';
import { annotationMeaning, entityLabel, formatRtt } from './format';

export interface HopTableProps {
  trace: Pick<TraceResult, 'hops' | 'status' | 'error' | 'raw'>;
  /** Index into trace.hops of the hop shown as selected (PathElement.hop points the same way). */
  activeHop?: number | null;
  /** Called with a hop's index when its address is pressed, null to clear it again. */
  onSelectHop?: (hop: number | null) => void;
}

/*
 * Every row is one fixed height (h-9, one line, long text truncated with a title), so a running
 * trace appending hops grows the table by whole rows and the placeholder row at the end is
 * simply replaced: nothing below it jumps by odd amounts.
 */
const ROW = 'h-9 border-t border-line';
const CELL = 'overflow-hidden px-3 text-ellipsis whitespace-nowrap';

/** What the probe's traceroute saw, one row per TTL, with who owns each address. */
export function HopTable({ trace, activeHop, onSelectHop }: HopTableProps) {
  const running = trace.status === 'running';
  const hops = trace.hops;

  return (
    <div
      data-testid="hop-table"
      className="overflow-x-auto rounded-lg border border-line bg-surface"
    >
      <table className="w-full min-w-[46rem] table-fixed border-collapse text-sm">
        {/* The page shows "Hops" as the section's heading; the caption names the table. */}
        <caption className="sr-only">Hops</caption>
        <colgroup>
          <col className="w-12" />
          <col className="w-36" />
          <col />
          <col className="w-40" />
          <col className="w-40" />
        </colgroup>
        <thead>
          <tr className="h-8 bg-surface-2 text-left text-xs font-medium text-fg-muted">
            <th scope="col" className="px-3 text-right font-medium">
              TTL
            </th>
            <th scope="col" className="px-3 font-medium">
              Address
            </th>
            <th scope="col" className="px-3 font-medium">
              Owner
            </th>
            <th scope="col" className="px-3 text-right font-medium">
              RTT
            </th>
            <th scope="col" className="px-3 font-medium">
              Notes
            </th>
          </tr>
        </thead>
        <tbody>
          {hops.map((hop, i) => (
            <HopRow
              key={`${hop.ttl}-${i}`}
              hop={hop}
              index={i}
              active={activeHop === i}
              onSelectHop={onSelectHop}
            />
          ))}
          {hops.length === 0 && (
            <tr className={running ? ROW : 'border-t border-line'} data-testid="hops-empty">
              <td colSpan={5} className={`text-sm text-fg-muted ${running ? CELL : 'px-3 py-2.5'}`}>
                {running ? (
                  <Waiting text="Waiting for the first hop…" />
                ) : (
                  `No traceroute hops: ${emptyReason(trace)}`
                )}
              </td>
            </tr>
          )}
          {hops.length > 0 && running && (
            <tr className={ROW} data-testid="hop-pending">
              <td colSpan={5} className={`${CELL} text-sm text-fg-muted`}>
                <Waiting text={`Waiting for hop ${(hops[hops.length - 1]?.ttl ?? 0) + 1}…`} />
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function emptyReason(trace: HopTableProps['trace']): string {
  if (trace.error?.message) return trace.error.message;
  if (trace.raw.traceroute !== undefined) {
    return 'traceroute printed no hop line (see its raw output).';
  }
  return 'no traceroute ran for this trace.';
}

function Waiting({ text }: { text: string }) {
  return (
    <span className="inline-flex items-center gap-2">
      <span aria-hidden="true" className="h-1.5 w-1.5 animate-pulse rounded-full bg-accent" />
      {text}
    </span>
  );
}

function HopRow({
  hop,
  index,
  active,
  onSelectHop,
}: {
  hop: TraceHop;
  index: number;
  active: boolean;
  onSelectHop?: (hop: number | null) => void;
}) {
  const silent = hop.ip === null;
  const owner = silent ? '' : entityLabel(hop.entity);
  const rtt = formatRtt(hop.rttMs);
  const host = hop.host && hop.host !== hop.ip ? hop.host : null;
  const address = silent ? (
    <span className="text-fg-subtle">
      <span className="font-mono">*</span> silent
    </span>
  ) : (
    <>
      <span className="font-mono">{hop.ip}</span>
      {host && <span className="ml-1.5 text-xs text-fg-subtle">{host}</span>}
    </>
  );
  const addressTitle = silent
    ? 'No answer on this TTL within the wait time'
    : [hop.ip, host].filter(Boolean).join(' ');

  return (
    <tr
      data-testid="hop"
      data-ttl={hop.ttl}
      data-ip={hop.ip ?? ''}
      data-active={active ? 'true' : undefined}
      className={`${ROW} ${active ? 'bg-accent-soft' : 'hover:bg-surface-2'}`}
    >
      <td
        className={`${CELL} text-right font-mono text-fg-muted tabular-nums ${
          active ? 'shadow-[inset_3px_0_0_var(--accent)]' : ''
        }`}
      >
        {hop.ttl}
      </td>
      <td className={CELL} title={addressTitle}>
        {onSelectHop ? (
          <button
            type="button"
            aria-pressed={active}
            aria-label={`Hop ${hop.ttl}: ${silent ? 'silent' : `${hop.ip}${owner ? `, ${owner}` : ''}`}`}
            onClick={() => onSelectHop(active ? null : index)}
            className="-mx-1 max-w-full truncate rounded px-1 text-left hover:underline focus-visible:outline-2 focus-visible:outline-accent"
          >
            {address}
          </button>
        ) : (
          address
        )}
      </td>
      <td
        className={`${CELL} ${hop.entity && hop.entity.kind !== 'unknown' ? 'text-fg' : 'text-fg-subtle'}`}
        title={owner || undefined}
      >
        {owner}
      </td>
      <td className={`${CELL} text-right font-mono text-xs text-fg-muted tabular-nums`} title={rtt}>
        {rtt || <span aria-label="no time">—</span>}
      </td>
      <td className={CELL}>
        <HopNotes hop={hop} />
      </td>
    </tr>
  );
}

function HopNotes({ hop }: { hop: TraceHop }) {
  const annotations = hop.annotations ?? [];
  const also = hop.alsoFrom ?? [];
  if (annotations.length === 0 && also.length === 0) return null;
  return (
    <span className="inline-flex max-w-full items-center gap-1.5">
      {annotations.map((a, i) => (
        <abbr
          key={`${a}-${i}`}
          title={annotationMeaning(a)}
          data-testid="hop-annotation"
          className="shrink-0 cursor-help rounded bg-danger-soft px-1 font-mono text-xs text-danger no-underline"
        >
          {a}
          <span className="sr-only"> ({annotationMeaning(a)})</span>
        </abbr>
      ))}
      {also.length > 0 && (
        <span
          className="truncate text-xs text-fg-muted"
          title={`Other addresses that answered on this TTL: ${also.join(', ')}`}
        >
          also <span className="font-mono">{also.join(', ')}</span>
        </span>
      )}
    </span>
  );
}

import type { PathLink, TraceHop, TraceResult, TraceStatus } from '../../trace/types';

/** The contract's exit statuses. */
export const EXIT = { ok: 0, problem: 1, error: 2 } as const;

/** 0 reachable, 1 unreachable or intermittent, 2 anything else (error, or still running). */
export function exitCodeForStatus(status: TraceStatus): number {
  if (status === 'reachable') return EXIT.ok;
  if (status === 'unreachable' || status === 'intermittent') return EXIT.problem;
  return EXIT.error;
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : `${value.toFixed(3)} ms`;
}

function describeEntity(hop: TraceHop): string {
  const e = hop.entity;
  if (!e) return '';
  if (e.label) return e.label;
  const name = e.namespace && e.name ? `${e.namespace}/${e.name}` : (e.name ?? '');
  return [e.kind, name, e.node && e.kind !== 'node' ? `on ${e.node}` : '']
    .filter(Boolean)
    .join(' ');
}

function linkText(link: PathLink | undefined): string {
  if (!link) return '';
  const parts: string[] = [link.state];
  if (link.successRatio) parts.push(`${link.successRatio.ok}/${link.successRatio.total} connects`);
  if (link.rttMs !== undefined && link.rttMs !== null) parts.push(ms(link.rttMs));
  if (link.label) parts.push(link.label);
  return parts.join(', ');
}

/** A trace as people read it in a terminal: status line, path with link states, hops, notes. */
export function formatTraceText(result: TraceResult): string {
  const lines: string[] = [];
  lines.push(`${result.from.ref} -> ${result.to.ref}`);
  const meta = [`status: ${result.status}`];
  if (result.strategy) meta.push(`strategy: ${result.strategy}`);
  meta.push(`cluster: ${result.cluster}`);
  lines.push(meta.join('   '));
  if (result.error) lines.push(`error: ${result.error.message} (${result.error.code})`);

  if (result.path.length > 0) {
    lines.push('', 'path:');
    result.path.forEach((el, i) => {
      const tags = el.tags?.length ? `  [${el.tags.join(', ')}]` : '';
      const label = el.label && el.label !== el.id ? `  ${el.label}` : '';
      lines.push(`  ${el.id} (${el.kind})${label}${tags}`);
      const link = result.links.find((l) => l.from === i);
      if (link && i < result.path.length - 1) {
        const mark = link.state === 'ok' ? '|' : link.state === 'broken' ? 'x' : '?';
        lines.push(`    ${mark} ${linkText(link)}`);
      }
    });
  }

  if (result.hops.length > 0) {
    lines.push('', 'hops:');
    for (const hop of result.hops) {
      const ip = hop.ip ?? '*';
      const rtt = hop.rttMs.length ? hop.rttMs.map((r) => ms(r)).join('  ') : '';
      const notes = hop.annotations?.length ? ` ${hop.annotations.join(' ')}` : '';
      lines.push(
        `  ${String(hop.ttl).padStart(2)}  ${ip.padEnd(15)}  ${describeEntity(hop).padEnd(28)} ${rtt}${notes}`.trimEnd(),
      );
    }
  }

  if (result.connect) {
    const c = result.connect;
    lines.push('', `connect: ${c.succeeded}/${c.attempts} succeeded to ${c.target}:${c.port}`);
  }
  for (const f of result.findings) {
    lines.push('', `${f.severity}: ${f.title}`, `  ${f.explanation}`);
    for (const fix of f.fix) {
      lines.push(`  fix: ${fix.title}`);
      for (const cmd of fix.commands ?? []) lines.push(`    ${cmd}`);
    }
  }
  if (result.notes?.length) {
    lines.push('', 'notes:');
    for (const n of result.notes) lines.push(`  - ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

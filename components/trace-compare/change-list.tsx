import { KindIcon, shortElementLabel } from '@/components/trace/path-strip';
import { describeChange, endsText, type CompareChange } from '@/lib/trace/compare';
import type { LinkState } from '@/lib/trace/types';

// Status, hops and RTT are the figures above the list; the list holds the rest.
const GROUPS: { title: string; kinds: CompareChange['kind'][] }[] = [
  { title: 'Links', kinds: ['link'] },
  { title: 'Findings', kinds: ['finding-resolved', 'finding-new'] },
  { title: 'Path elements', kinds: ['element-removed', 'element-added'] },
];

/** The differences of a comparison, grouped; every item says what changed in words too. */
export function ChangeList({ changes }: { changes: CompareChange[] }) {
  const listed = changes.filter((c) => GROUPS.some((g) => g.kinds.includes(c.kind)));
  if (listed.length === 0) {
    return (
      <p role="status" className="px-4 py-4 text-sm text-fg-muted">
        {changes.length === 0
          ? 'No differences: same status, same path, same link states and findings.'
          : 'Same path, same link states and findings.'}
      </p>
    );
  }
  return (
    <div className="grid gap-x-8 gap-y-3 px-4 py-3 lg:grid-cols-2">
      {GROUPS.map((g) => {
        const items = listed.filter((c) => g.kinds.includes(c.kind));
        if (items.length === 0) return null;
        return (
          <div key={g.title}>
            <h3 className="mb-1 text-xs font-medium text-fg-muted">{g.title}</h3>
            <ul className="space-y-1">
              {items.map((c, i) => (
                <li
                  key={i}
                  data-testid="compare-change"
                  data-kind={c.kind}
                  className="flex min-h-7 flex-wrap items-center gap-2 text-sm"
                >
                  <ChangeItem change={c} />
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function ChangeItem({ change }: { change: CompareChange }) {
  switch (change.kind) {
    case 'link':
      return (
        <>
          <code className="truncate font-mono text-xs" title={endsText(change.link)}>
            {shortElementLabel(change.link.from)} → {shortElementLabel(change.link.to)}
          </code>
          <span className="sr-only">:</span>
          <LinkStateTag state={change.before} />
          <span className="text-fg-subtle">→</span>
          <LinkStateTag state={change.after} />
        </>
      );
    case 'element-removed':
    case 'element-added': {
      const added = change.kind === 'element-added';
      return (
        <>
          <span
            className={`w-12 shrink-0 rounded px-1 text-center text-[11px] font-semibold ${added ? 'bg-accent-soft text-accent' : 'bg-surface-2 text-fg-muted'}`}
          >
            {added ? 'only B' : 'only A'}
          </span>
          <KindIcon kind={change.elementKind} />
          <code className="truncate font-mono text-xs" title={change.id}>
            {change.id}
          </code>
        </>
      );
    }
    case 'finding-resolved':
    case 'finding-new': {
      const fresh = change.kind === 'finding-new';
      return (
        <>
          <span
            className={`w-16 shrink-0 rounded px-1 text-center text-[11px] font-semibold ${fresh ? 'bg-danger-soft text-danger' : 'bg-ok-soft text-ok'}`}
          >
            {fresh ? 'new' : 'resolved'}
          </span>
          <span className="font-mono text-xs font-semibold">{change.rule}</span>
          {change.link && (
            <code
              className="truncate font-mono text-xs text-fg-muted"
              title={endsText(change.link)}
            >
              on {shortElementLabel(change.link.from)} → {shortElementLabel(change.link.to)}
            </code>
          )}
          <span className="sr-only">{change.title}</span>
        </>
      );
    }
    default:
      return <span className="tabular-nums">{describeChange(change)}</span>;
  }
}

const STATE_TAG: Record<LinkState, string> = {
  ok: 'bg-ok-soft text-ok',
  intermittent: 'bg-warn-soft text-warn',
  broken: 'bg-danger-soft text-danger',
  unknown: 'bg-surface-2 text-fg-muted border border-dashed border-line-strong',
};

const STATE_ICON: Record<LinkState, string> = {
  ok: '✓',
  intermittent: '~',
  broken: '✕',
  unknown: '?',
};

function LinkStateTag({ state }: { state: LinkState | null }) {
  if (state === null) {
    return <span className="text-xs text-fg-subtle italic">not on the path</span>;
  }
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 text-xs font-medium ${STATE_TAG[state]}`}
    >
      <span aria-hidden="true">{STATE_ICON[state]}</span>
      {state}
    </span>
  );
}

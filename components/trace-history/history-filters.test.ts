import { describe, expect, it } from 'vitest';
import { compareHref, filterFromParams, filterToSearch } from './history-filters';

describe('history filters in the URL', () => {
  it('reads and writes from, to and status, dropping empty fields and unknown statuses', () => {
    const f = filterFromParams(new URLSearchParams('from=pod:default/nginx&status=bogus'));
    expect(f).toEqual({ from: 'pod:default/nginx', to: '', status: '' });
    expect(filterToSearch({ from: ' pod:a/b ', to: '', status: 'unreachable' })).toBe(
      'from=pod%3Aa%2Fb&status=unreachable',
    );
    expect(filterToSearch({ from: '', to: '', status: '' })).toBe('');
  });

  it('compares the older trace as a, whatever the order they were picked in', () => {
    const older = { id: 'OLD', createdAt: '2026-11-21T22:00:00Z' };
    const newer = { id: 'NEW', createdAt: '2026-11-21T23:00:00Z' };
    expect(compareHref([newer, older])).toBe('/traces/compare?a=OLD&b=NEW');
    expect(compareHref([older, newer])).toBe('/traces/compare?a=OLD&b=NEW');
    expect(compareHref([older])).toBeNull();
  });
});

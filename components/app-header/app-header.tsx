'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { ThemeToggle } from '@/components/theme/theme-toggle';

const NAV = [
  { href: '/', label: 'Cluster', match: (p: string) => p === '/' },
  {
    href: '/traces',
    label: 'History',
    match: (p: string) => p === '/traces' || p.startsWith('/traces/'),
  },
] as const;

/**
 * The bar on top of every page: the logo, the navigation, whatever the page puts in the middle
 * (cluster switcher, trace title) and, on the right, the page's extras and the theme toggle.
 * Fixed height, so nothing below it moves when its contents change.
 */
export function AppHeader({ children, right }: { children?: ReactNode; right?: ReactNode }) {
  const pathname = usePathname() ?? '/';
  return (
    <header className="flex h-14 shrink-0 items-center gap-4 border-b border-line bg-surface px-4">
      <Link
        href="/"
        className="flex items-center gap-2 rounded-md focus-visible:outline-2 focus-visible:outline-accent"
      >
        <svg aria-hidden="true" viewBox="0 0 32 32" className="h-6 w-6">
          <rect width="32" height="32" rx="7" className="fill-accent" />
          <circle cx="9" cy="22" r="4" fill="#fff" />
          <circle cx="23" cy="10" r="4" fill="#fff" />
          <path d="M9 22 C9 14 23 18 23 10" stroke="#fff" strokeWidth="2.5" fill="none" />
        </svg>
        <span className="text-base font-semibold tracking-tight">podpath</span>
      </Link>
      <nav aria-label="Main" className="flex items-center gap-1">
        {NAV.map((item) => {
          const active = item.match(pathname);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? 'page' : undefined}
              className={`rounded-md px-2 py-1 text-sm ${active ? 'bg-surface-2 font-medium text-fg' : 'text-fg-muted hover:text-fg'} focus-visible:outline-2 focus-visible:outline-accent`}
            >
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="h-6 w-px bg-line" aria-hidden="true" />
      {children}
      <div className="ml-auto flex items-center gap-3">
        {right}
        <ThemeToggle />
      </div>
    </header>
  );
}

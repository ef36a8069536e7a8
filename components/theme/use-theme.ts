'use client';

import { useSyncExternalStore } from 'react';
import type { Theme } from '@/components/cluster-graph/types';
import { getServerTheme, getTheme, setTheme, subscribeTheme } from './theme-store';

/** The current theme and a setter; re-renders the caller when the theme changes. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const theme = useSyncExternalStore(subscribeTheme, getTheme, getServerTheme);
  return [theme, setTheme];
}

/**
 * The colour theme: a class on <html> (Tailwind's `dark` variant keys off it), remembered in
 * localStorage, defaulting to the system preference. The inline script below applies it before
 * first paint so a dark-theme user never sees a white flash.
 */
import type { Theme } from '@/components/cluster-graph/types';

export const THEME_STORAGE_KEY = 'podpath-theme';

/** Runs in <head> before React: picks the stored or preferred theme and sets the class. */
export const themeInitScript = `(function(){try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t!=='dark'&&t!=='light'){t=window.matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light'}var e=document.documentElement;e.classList.toggle('dark',t==='dark');e.style.colorScheme=t}catch(_){}})();`;

const listeners = new Set<() => void>();

export function getTheme(): Theme {
  return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
}

export function getServerTheme(): Theme {
  return 'light';
}

export function setTheme(theme: Theme): void {
  const root = document.documentElement;
  root.classList.toggle('dark', theme === 'dark');
  root.style.colorScheme = theme;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Private windows may refuse storage; the theme still applies for this page.
  }
  for (const l of listeners) l();
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

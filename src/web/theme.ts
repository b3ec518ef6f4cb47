import type { Theme } from './chart-theme.js';

const KEY = 'tickflow-theme';

/** The theme the user chose last, dark by default. */
export function savedTheme(): Theme {
  try {
    return localStorage.getItem(KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

/** Applies a theme to the page (`data-theme` on the root element) and remembers it. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage can be disabled; the theme then lasts for this page only.
  }
}

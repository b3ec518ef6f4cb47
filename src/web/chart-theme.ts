/** The chart's colours in each page theme; the page's own colours live in styles.css. */
export interface ChartColours {
  readonly background: string;
  readonly text: string;
  readonly grid: string;
  readonly border: string;
  readonly up: string;
  readonly down: string;
  readonly volumeUp: string;
  readonly volumeDown: string;
  readonly ma: readonly [string, string, string];
  readonly alert: string;
}

export type Theme = 'dark' | 'light';

export const CHART_COLOURS: Record<Theme, ChartColours> = {
  dark: {
    background: '#0b0e11',
    text: '#b7bdc6',
    grid: '#1e2329',
    border: '#2b3139',
    up: '#0ecb81',
    down: '#f6465d',
    volumeUp: 'rgba(14, 203, 129, 0.45)',
    volumeDown: 'rgba(246, 70, 93, 0.45)',
    ma: ['#f0b90b', '#e377c2', '#4ea8de'],
    alert: '#f0b90b',
  },
  light: {
    background: '#ffffff',
    text: '#474d57',
    grid: '#eef0f3',
    border: '#d5d8dc',
    up: '#03a66d',
    down: '#cf304a',
    volumeUp: 'rgba(3, 166, 109, 0.4)',
    volumeDown: 'rgba(207, 48, 74, 0.4)',
    ma: ['#c99400', '#b5489a', '#1f78b4'],
    alert: '#c99400',
  },
};

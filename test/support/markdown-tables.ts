/** A table in a markdown text: its header cells and body rows, each with the line it starts on. */
export interface MarkdownTable {
  readonly line: number;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

const DELIMITER = /^\|(?: *:?-+:? *\|)+$/;

/**
 * A row's cells, split at every `|`, escaped or not: GitHub renders `\|` inside a cell, but other
 * renderers split there, so a row that needs the escape has cells that come out differently.
 */
export const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

/** Every table in `text` (a header, a delimiter row, then the rows that start with `|`). */
export function tablesOf(text: string): MarkdownTable[] {
  const lines = text.split('\n');
  const tables: MarkdownTable[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!DELIMITER.test(lines[i]!.trim()) || !lines[i - 1]!.trimStart().startsWith('|')) continue;
    const rows: { line: number; cells: string[] }[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j]!.trimStart().startsWith('|'); j++) {
      rows.push({ line: j + 1, cells: cellsOf(lines[j]!) });
    }
    tables.push({ line: i, header: cellsOf(lines[i - 1]!), rows });
    i = j;
  }
  return tables;
}

/** The rows whose number of cells differs from their table's header, as "line N: k cells, not h". */
export function misshapenRows(text: string): string[] {
  return tablesOf(text).flatMap((t) =>
    t.rows
      .filter((r) => r.cells.length !== t.header.length)
      .map((r) => `line ${r.line}: ${r.cells.length} cells, not ${t.header.length}`),
  );
}

/**
 * One schema step. Its statements run in order in one transaction, and are written so that running them
 * again is harmless (`IF NOT EXISTS`). SQL that PGlite and PostgreSQL 15+ both accept, one statement per
 * string.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

import type { Logger } from '../logger.js';

/**
 * Bytes of a segment that hold no intact record, with intact records after them: found when the segment
 * is opened or when a read reaches them. They stay in the file, for inspection; readers skip them. They
 * stand for the offsets `firstOffset..lastOffset` (none when `lastOffset < firstOffset`).
 */
export interface DamagedRange {
  readonly start: number;
  readonly end: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly reason: string;
}

/** How many offsets a damaged range stands for. */
export const lostOffsets = (range: DamagedRange): number =>
  Math.max(0, range.lastOffset - range.firstOffset + 1);

/** Where the bytes cut off a segment's damaged tail are kept: beside it, named by their byte range. */
export const quarantineFileName = (segmentPath: string, start: number, end: number): string =>
  `${segmentPath}.${start}-${end}.damaged`;

interface Where {
  readonly topic: string;
  readonly partition: number;
}

/** Damage readers will skip: an error, once per range and open (and when a read first finds it). */
export function reportDamage(
  logger: Logger,
  where: Where & { readonly file: string },
  range: DamagedRange,
  foundBy: 'open' | 'read',
): void {
  logger.error(
    {
      ...where,
      foundBy,
      reason: range.reason,
      bytes: { start: range.start, end: range.end },
      offsets: { first: range.firstOffset, last: range.lastOffset },
      lost: lostOffsets(range),
    },
    'log: damaged records in a segment; they stay in the file and readers skip them',
  );
}

/** Offsets that no segment holds: an error at every open, until retention has passed them. */
export function reportGap(logger: Logger, where: Where & { readonly dir: string }, gap: DamagedRange): void {
  logger.error(
    { ...where, offsets: { first: gap.firstOffset, last: gap.lastOffset }, lost: lostOffsets(gap) },
    'log: no segment file holds these offsets (a segment was deleted); readers skip them',
  );
}

export interface CutTail {
  readonly reason: string;
  readonly torn: boolean;
  readonly validBytes: number;
  readonly fileSize: number;
  /** Where the cut bytes were saved, unless the tail was only a torn write. */
  readonly savedTo: string | null;
}

/** A tail cut off the newest segment: a warning for a torn write, an error for damage. */
export function reportTail(logger: Logger, where: Where & { readonly file: string }, tail: CutTail): void {
  const detail = {
    ...where,
    problem: tail.reason,
    keptBytes: tail.validBytes,
    droppedBytes: tail.fileSize - tail.validBytes,
  };
  if (tail.torn) {
    logger.warn(detail, 'log: truncated a torn tail left by a crash');
    return;
  }
  logger.error(
    { ...detail, savedTo: tail.savedTo },
    'log: cut a damaged tail that no intact record follows off the newest segment; its bytes are saved beside it',
  );
}

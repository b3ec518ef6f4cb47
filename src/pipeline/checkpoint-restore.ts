import { SCHEMA } from '../config/schema.js';
import { durationMs, formatDuration } from '../domain/time.js';
import { CheckpointError, TickflowError } from '../errors.js';
import { type Checkpoint, restoreOperator } from '../processor/checkpoint-codec.js';
import type { WindowOperator } from '../processor/window-operator.js';

/** Restores one partition's checkpoint; one taken with other settings fails with the way out. */
export function restoreCheckpoint(operator: WindowOperator, checkpoint: Checkpoint, partition: number): void {
  try {
    restoreOperator(operator, checkpoint, false);
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    const previous = takenWith(checkpoint);
    const remedy =
      previous === null
        ? 'rebuild the processor state from the log with --reset-to earliest'
        : `start with the settings it was taken with (${previous}), or rebuild the processor state from the log with --reset-to earliest`;
    throw new TickflowError(
      'TF_CHECKPOINT_INCOMPATIBLE',
      `${err.message} (partition ${partition}); ${remedy}`,
      {
        cause: err,
      },
    );
  }
}

/** The operator settings a checkpoint was taken with, as flags, or null if it does not say. */
function takenWith(checkpoint: Checkpoint): string | null {
  const { intervals, outOfOrdernessMs, allowedLatenessMs } = checkpoint as Partial<Checkpoint>;
  const durations = [...(Array.isArray(intervals) ? intervals : []), outOfOrdernessMs, allowedLatenessMs];
  if (!Array.isArray(intervals) || !durations.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return null;
  }
  const format = (ms: number): string => formatDuration(durationMs(ms));
  return [
    `--${SCHEMA.intervals.flag} ${intervals.map(format).join(',')}`,
    `--${SCHEMA.outOfOrderness.flag} ${format(outOfOrdernessMs as number)}`,
    `--${SCHEMA.allowedLateness.flag} ${format(allowedLatenessMs as number)}`,
  ].join(' ');
}

import { init } from './001-init.js';
import { timescale } from './002-timescale.js';
import { fencing } from './003-fencing.js';
import { timescalePolicy } from './004-timescale-policy.js';
import { unknownVolume } from './005-unknown-volume.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order. Append new ones; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [init, timescale, fencing, timescalePolicy, unknownVolume];

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-util.js';
import { LogError } from './log-errors.js';

type TopicOffsets = Map<number, number>;
type GroupState = Map<string, TopicOffsets>;

interface GroupFile {
  readonly version: 1;
  readonly group: string;
  readonly offsets: Record<string, Record<string, number>>;
}

/**
 * Committed consumer-group positions, one small JSON file per group (`groups/<group>.json`), replaced
 * atomically on every commit. Commits of one group are written one at a time, in call order.
 */
export class GroupOffsets {
  private readonly cache = new Map<string, Promise<GroupState>>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  async committed(group: string, topic: string): Promise<ReadonlyMap<number, number>> {
    const state = await this.state(group);
    return new Map(state.get(topic));
  }

  commit(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    const previous = this.writing.get(group) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.write(group, topic, offsets));
    this.writing.set(group, next);
    return next;
  }

  private async write(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    const state = await this.state(group);
    const merged = new Map(state.get(topic));
    for (const [partition, offset] of offsets) merged.set(partition, offset);
    const updated = new Map(state).set(topic, merged);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.path(group), JSON.stringify(toFile(group, updated)));
    this.cache.set(group, Promise.resolve(updated));
  }

  private state(group: string): Promise<GroupState> {
    let state = this.cache.get(group);
    if (state === undefined) {
      state = this.load(group);
      this.cache.set(group, state);
      void state.catch(() => this.cache.delete(group));
    }
    return state;
  }

  private async load(group: string): Promise<GroupState> {
    let text: string;
    try {
      text = await readFile(this.path(group), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new LogError('TF_LOG_IO', `cannot read offsets of group ${group}`, err);
    }
    try {
      return fromFile(JSON.parse(text) as Partial<Record<keyof GroupFile, unknown>>);
    } catch (err) {
      throw new LogError('TF_LOG_CORRUPT', `${this.path(group)}: not a group offsets file`, err);
    }
  }

  private path(group: string): string {
    return join(this.dir, `${encodeURIComponent(group)}.json`);
  }
}

function toFile(group: string, state: GroupState): GroupFile {
  const offsets: Record<string, Record<string, number>> = {};
  for (const [topic, partitions] of state) offsets[topic] = Object.fromEntries(partitions);
  return { version: 1, group, offsets };
}

function fromFile(file: Partial<Record<keyof GroupFile, unknown>>): GroupState {
  if (file.version !== 1 || typeof file.offsets !== 'object' || file.offsets === null) {
    throw new Error('unknown version');
  }
  const state: GroupState = new Map();
  for (const [topic, partitions] of Object.entries(file.offsets as Record<string, Record<string, unknown>>)) {
    const offsets: TopicOffsets = new Map();
    for (const [partition, offset] of Object.entries(partitions)) {
      if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
        throw new Error(`bad offset for ${topic}/${partition}`);
      }
      offsets.set(Number(partition), offset);
    }
    state.set(topic, offsets);
  }
  return state;
}

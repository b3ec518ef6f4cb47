import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger.js';
import { fsyncDir, writeFileAtomic } from './fs-util.js';
import { LogError } from './log-errors.js';
import { Partition, type PartitionConfig } from './partition.js';
import { Topic } from './topic.js';

/** Kafka's rule for topic names, which also keeps them safe as directory names. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const MAX_PARTITIONS = 10_000;
const META_FILE = 'meta.json';

interface TopicMeta {
  readonly version: 1;
  readonly partitions: number;
}

/**
 * The topics under `<log dir>/topics`: one directory per topic, holding `meta.json` (written last, so a
 * topic whose creation a crash interrupted does not exist) and one directory per partition.
 */
export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly creating = new Map<string, Promise<Topic>>();

  constructor(
    private readonly root: string,
    private readonly config: PartitionConfig,
    private readonly logger: Logger,
  ) {}

  async loadAll(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await fsyncDir(dirname(this.root));
    for (const name of await readdir(this.root)) {
      if (!TOPIC_NAME.test(name) || name === '.' || name === '..') continue;
      const meta = await this.readMeta(name);
      if (meta === null) {
        this.logger.warn({ topic: name }, 'log: ignoring a topic whose creation did not finish');
        continue;
      }
      this.topics.set(name, await this.openTopic(name, meta.partitions));
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  async ensure(name: string, partitions: number): Promise<Topic> {
    if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
      throw new LogError(
        'TF_LOG_INVALID_TOPIC',
        `topic name ${JSON.stringify(name)} is not [a-zA-Z0-9._-]{1,249}`,
      );
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new LogError(
        'TF_LOG_INVALID_TOPIC',
        `topic ${name}: partitions must be an integer in 1..${MAX_PARTITIONS}`,
      );
    }
    const pending = this.creating.get(name);
    const topic = this.topics.get(name) ?? (await (pending ?? this.create(name, partitions)));
    if (topic.partitions.length !== partitions) {
      throw new LogError(
        'TF_LOG_PARTITION_MISMATCH',
        `topic ${name} has ${topic.partitions.length} partitions, not ${partitions}; a topic's partition count is fixed`,
      );
    }
    return topic;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.all().flatMap((t) => t.partitions.map((p) => p.close())));
  }

  private create(name: string, partitions: number): Promise<Topic> {
    const creation = (async (): Promise<Topic> => {
      const topic = await this.openTopic(name, partitions);
      const meta: TopicMeta = { version: 1, partitions };
      try {
        await writeFileAtomic(join(this.root, name, META_FILE), JSON.stringify(meta));
        await fsyncDir(this.root);
      } catch (err) {
        await Promise.all(topic.partitions.map((p) => p.close()));
        throw new LogError('TF_LOG_IO', `cannot create topic ${name}`, err);
      }
      this.topics.set(name, topic);
      this.logger.info({ topic: name, partitions }, 'log: created topic');
      return topic;
    })();
    this.creating.set(name, creation);
    return creation.finally(() => this.creating.delete(name));
  }

  private async openTopic(name: string, partitions: number): Promise<Topic> {
    const dir = join(this.root, name);
    const opened = await Promise.allSettled(
      Array.from({ length: partitions }, (_, id) =>
        Partition.open(name, id, join(dir, String(id)), this.config, this.logger),
      ),
    );
    const failed = opened.find((r) => r.status === 'rejected');
    const ok = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (failed !== undefined) {
      await Promise.allSettled(ok.map((p) => p.close()));
      throw failed.reason;
    }
    return new Topic(name, ok);
  }

  private async readMeta(name: string): Promise<TopicMeta | null> {
    let text: string;
    try {
      text = await readFile(join(this.root, name, META_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new LogError('TF_LOG_IO', `cannot read topic ${name}`, err);
    }
    const meta = parseJson(text);
    const partitions = meta?.partitions;
    if (
      meta?.version !== 1 ||
      typeof partitions !== 'number' ||
      !Number.isInteger(partitions) ||
      partitions < 1
    ) {
      throw new LogError('TF_LOG_CORRUPT', `topic ${name}: ${META_FILE} is not valid`);
    }
    return { version: 1, partitions };
  }
}

function parseJson(text: string): Partial<Record<keyof TopicMeta, unknown>> | null {
  try {
    return JSON.parse(text) as Partial<Record<keyof TopicMeta, unknown>> | null;
  } catch {
    return null;
  }
}

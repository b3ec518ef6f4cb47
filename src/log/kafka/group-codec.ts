/**
 * The consumer protocol's embedded formats (ConsumerProtocolSubscription v2 and ConsumerProtocolAssignment
 * v1), which the broker and tools such as kafka-consumer-groups read. Big-endian, strings with an int16
 * length, arrays with an int32 count, bytes with an int32 length (-1 for null).
 */

export interface Subscription {
  readonly topics: readonly string[];
  /** Partitions the member owns as it joins (a cooperative rebalance keeps them where it can). */
  readonly owned: ReadonlyMap<string, readonly number[]>;
  /** The generation the owned partitions were assigned in (-1 when none). */
  readonly generation: number;
}

class Writer {
  private readonly parts: Buffer[] = [];
  int16(n: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return this.push(b);
  }
  int32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return this.push(b);
  }
  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }
  topicPartitions(map: ReadonlyMap<string, readonly number[]>): this {
    this.int32(map.size);
    for (const [topic, partitions] of map) {
      this.string(topic).int32(partitions.length);
      for (const p of partitions) this.int32(p);
    }
    return this;
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  get buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  get remaining(): number {
    return this.b.length - this.at;
  }
  int16(): number {
    const n = this.b.readInt16BE(this.at);
    this.at += 2;
    return n;
  }
  int32(): number {
    const n = this.b.readInt32BE(this.at);
    this.at += 4;
    return n;
  }
  string(): string {
    const length = this.int16();
    const s = this.b.toString('utf8', this.at, this.at + length);
    this.at += length;
    return s;
  }
  skipBytes(): void {
    const length = this.int32();
    if (length > 0) this.at += length;
  }
  array<T>(read: () => T): T[] {
    const items: T[] = [];
    for (let n = this.int32(); n > 0; n--) items.push(read());
    return items;
  }
  topicPartitions(): Map<string, number[]> {
    const map = new Map<string, number[]>();
    for (let n = this.int32(); n > 0; n--)
      map.set(
        this.string(),
        this.array(() => this.int32()),
      );
    return map;
  }
}

export function encodeSubscription(s: Subscription): Buffer {
  const w = new Writer().int16(2).int32(s.topics.length);
  for (const topic of s.topics) w.string(topic);
  return w.int32(-1).topicPartitions(s.owned).int32(s.generation).buffer;
}

/** Reads versions 0 to 3 (v3 adds a rack, which tickflow does not use). */
export function decodeSubscription(bytes: Buffer): Subscription {
  const r = new Reader(bytes);
  const version = r.int16();
  const topics = r.array(() => r.string());
  r.skipBytes();
  const owned = version >= 1 && r.remaining > 0 ? r.topicPartitions() : new Map<string, number[]>();
  const generation = version >= 2 && r.remaining >= 4 ? r.int32() : -1;
  return { topics, owned, generation };
}

export function encodeAssignment(partitions: ReadonlyMap<string, readonly number[]>): Buffer {
  return new Writer().int16(1).topicPartitions(partitions).int32(-1).buffer;
}

/** An empty buffer is what the broker hands a member the leader gave nothing. */
export function decodeAssignment(bytes: Buffer): Map<string, number[]> {
  const none = new Map<string, number[]>();
  if (bytes.length < 2) return none;
  const r = new Reader(bytes);
  r.int16();
  return r.remaining >= 4 ? r.topicPartitions() : none;
}

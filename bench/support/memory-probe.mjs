// Preloaded into a server under measurement (NODE_OPTIONS="--expose-gc --import <this file>"): on
// SIGUSR2 it collects garbage and writes the process's memory use as JSON to $BENCH_MEMORY_FILE, so a
// benchmark can read the heap of a process it did not write. Plain JavaScript: the server runs dist/.
import { renameSync, writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env['BENCH_MEMORY_FILE'];
if (file !== undefined) {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
    renameSync(`${file}.tmp`, file);
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from '../../src/api/websocket-frame.js';

/** What a ws client reads when a ws server's connection is written `bytes` straight, as the hub does. */
async function receive(bytes: Buffer, count: number): Promise<{ text: string; binary: boolean }[]> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  server.on('connection', (_ws, request) => {
    request.socket.write(bytes);
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const messages: { text: string; binary: boolean }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('close', () => {
        reject(new Error(`closed after ${String(messages.length)} messages`));
      });
      client.on('message', (data: Buffer, binary: boolean) => {
        if (messages.push({ text: data.toString(), binary }) === count) resolve();
      });
    });
  } finally {
    client.terminate();
    server.close();
  }
  return messages;
}

test('text frames of every length class reach a ws client as the texts sent, back to back', async () => {
  // 7-bit lengths end at 125, 16-bit at 65,535; multi-byte characters count in bytes, not characters.
  const texts = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000].map((n) => 'x'.repeat(n));
  texts.push('€'.repeat(42), 'é'.repeat(63) + 'x'); // 126 bytes and 127 bytes
  assert.deepEqual(
    await receive(Buffer.concat(texts.map(textFrame)), texts.length),
    texts.map((text) => ({ text, binary: false })),
  );
});

test('the header is the one RFC 6455 gives: FIN and text opcode, no mask, the shortest length form', () => {
  assert.deepEqual([...textFrame('hi')], [0x81, 2, 0x68, 0x69]);
  assert.deepEqual([...textFrame('x'.repeat(125)).subarray(0, 2)], [0x81, 125]);
  assert.deepEqual([...textFrame('x'.repeat(126)).subarray(0, 4)], [0x81, 126, 0, 126]);
  assert.deepEqual([...textFrame('x'.repeat(65_535)).subarray(0, 4)], [0x81, 126, 0xff, 0xff]);
  assert.deepEqual([...textFrame('x'.repeat(65_536)).subarray(0, 10)], [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
});

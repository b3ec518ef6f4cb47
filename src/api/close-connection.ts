import type { Duplex } from 'node:stream';

/** How long a connection being closed may take to flush its last bytes before it is cut off. */
const FLUSH_GRACE_MS = 2_000;

/**
 * Closes a connection the HTTP server no longer manages (an upgrade socket, or one its parser gave up on):
 * writes `lastBytes` if any, sends FIN, and releases the descriptor once that is flushed, or after a short
 * grace when the peer does not read.
 */
export function endConnection(socket: Duplex, lastBytes?: string): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const cutOff = setTimeout(() => {
    socket.destroy();
  }, FLUSH_GRACE_MS);
  cutOff.unref();
  if (lastBytes !== undefined) socket.write(lastBytes);
  socket.end(() => {
    clearTimeout(cutOff);
    socket.destroy();
  });
}

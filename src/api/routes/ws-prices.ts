import type { FastifyInstance } from 'fastify';
import { normaliseSymbol } from '../../domain/tick.js';
import type { RouteContext } from '../route-context.js';
import { websocketOriginGuard } from '../websocket-origin.js';

const OPEN = 1;
/** Private-use close code: the symbol is not one tickflow knows. */
export const CLOSE_UNKNOWN_SYMBOL = 4404;
/** Standard close code "try again later": the store could not say whether the symbol exists. */
const CLOSE_TRY_AGAIN_LATER = 1013;

const ignore = (): void => undefined;

/**
 * `WS /ws/prices/{symbol}`: the latest price on connect, then every tick, candle (including the
 * in-progress one) and alert of the symbol. Inbound messages are ignored; one larger than the maximum
 * payload closes the socket with 1009. Over the WebSocket client limit, the upgrade is answered 503; from
 * an `Origin` that is neither the server's own nor in the CORS allowlist, 403.
 */
export function wsPricesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { symbol: string } }>(
    '/ws/prices/:symbol',
    {
      websocket: true,
      onRequest: [websocketOriginGuard(ctx.originAllowed), ctx.connections.admitWebSocket],
    },
    async (socket, request) => {
      socket.on('message', ignore);
      const symbol = normaliseSymbol(request.params.symbol);
      if (symbol === undefined) {
        socket.close(CLOSE_UNKNOWN_SYMBOL, 'unknown symbol');
        return;
      }
      let known: boolean;
      try {
        known = await ctx.symbols.isKnown(symbol);
      } catch (err) {
        request.log.debug({ err, symbol }, 'cannot check a websocket symbol');
        socket.close(CLOSE_TRY_AGAIN_LATER, 'store unavailable; try again later');
        return;
      }
      if (!known) {
        socket.close(CLOSE_UNKNOWN_SYMBOL, `unknown symbol ${symbol}`);
        return;
      }
      if (socket.readyState === OPEN) ctx.hub.connect(symbol, socket, request.raw.socket);
    },
  );
}

/** `connecting` before the first open, `live` while open, `reconnecting` between attempts, `refused` for good. */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/** What the page's indicator shows. */
export type ConnectionStatus = 'live' | 'reconnecting' | 'offline';

/**
 * `live` when every feed is open, `offline` when the API answers nothing (not even HTTP), else
 * `reconnecting`. A feed the API refused for good (an unknown symbol) does not hold the page back.
 */
export function connectionStatus(feeds: readonly FeedState[], apiReachable: boolean): ConnectionStatus {
  if (!apiReachable) return 'offline';
  return feeds.every((f) => f === 'live' || f === 'refused') ? 'live' : 'reconnecting';
}

/**
 * The page `/` serves when no dashboard is given: a table of latest prices kept live over the WebSocket,
 * enough to see that data arrives. The real dashboard lives in src/web.
 */
export const MINIMAL_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tickflow</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .8rem;text-align:right}th:first-child,td:first-child{text-align:left}</style>
</head>
<body>
<h1>tickflow</h1>
<table><thead><tr><th>symbol</th><th>price</th><th>time</th><th>last 1m candle close</th></tr></thead><tbody id="rows"></tbody></table>
<p><a href="/docs">API docs</a> · <a href="/health">health</a></p>
<script type="module">
const rows = document.getElementById('rows');
const cell = (tr, i, text) => { tr.children[i].textContent = text; };
const { symbols } = await (await fetch('/api/v1/symbols')).json();
for (const symbol of symbols) {
  const tr = document.createElement('tr');
  for (let i = 0; i < 4; i++) tr.appendChild(document.createElement('td'));
  cell(tr, 0, symbol);
  rows.appendChild(tr);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(scheme + '://' + location.host + '/ws/prices/' + encodeURIComponent(symbol));
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === 'tick') { cell(tr, 1, String(m.price)); cell(tr, 2, new Date(m.ts).toISOString()); }
    if (m.type === 'candle' && m.interval === '1m') cell(tr, 3, String(m.close));
  };
}
</script>
</body>
</html>
`;

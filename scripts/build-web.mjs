// Bundles the dashboard (src/web) into dist/web: app.js from main.ts, with the page, styles, favicon and
// the third-party licence notices beside it. The API serves exactly these files.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'web');
const out = join(root, 'dist', 'web');

await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(src, 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css', 'favicon.svg'])
  await copyFile(join(src, file), join(out, file));

const chartsDir = join(root, 'node_modules', 'lightweight-charts');
const { version } = JSON.parse(await readFile(join(chartsDir, 'package.json'), 'utf8'));
const licence = await readFile(join(chartsDir, 'LICENSE'), 'utf8');
await writeFile(
  join(out, 'third-party-notices.txt'),
  `The tickflow dashboard bundles TradingView Lightweight Charts ${version}.\n\n` +
    'TradingView Lightweight Charts™\nCopyright (с) 2025 TradingView, Inc. https://www.tradingview.com/\n\n' +
    licence,
);

/**
 * The board's page: one HTML document with its CSS and script inline, no build step and
 * nothing fetched from elsewhere. The script listens to /events and redraws on each view;
 * every text that came from a runner is set with textContent, never parsed as markup.
 */
import { VIEW_EVENT } from './events.ts';

export const TITLE = 'Kata board';

const STYLE = `
:root { font: 15px/1.4 system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
#live { font-size: .85rem; padding: .1rem .5rem; border-radius: 1rem; background: #dde3ea; }
#live.on { background: #cfeedd; color: #0b5a2e; }
.rules { color: #4a5568; font-size: .9rem; margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e2e6ec; vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #5b6678; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.stuck { background: #fff1e6; }
tr.stuck td.status { color: #a33b00; font-weight: 600; }
tr.offline { color: #8a94a6; }
tr.passing td.status { color: #0b7a3e; }
.failing { font-family: ui-monospace, monospace; font-size: .85rem; overflow-wrap: anywhere; }
#empty { color: #5b6678; }
.bar { display: flex; align-items: center; gap: .6rem; margin: .2rem 0; }
.bar .label { width: 16rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar .fill { height: 1rem; background: #7aa7d9; border-radius: 3px; }
.bar .fill.hot { background: linear-gradient(90deg, #e58a4e var(--stuck), #7aa7d9 var(--stuck)); }
`;

/** The texts of the page. */
export const PAGE_TEXT = {
  live: 'live',
  reconnecting: 'reconnecting…',
  empty: 'No pair has posted yet. Each pair runs the command the board printed at its start.',
  pairs: 'Pairs',
  distribution: 'The room over the katas',
  columns: [
    'Pair',
    'Kata',
    'Passed',
    'Failed',
    'First failing spec',
    'Hints',
    'On kata',
    'Last save',
    'Status',
  ],
  status: { working: 'working', passing: 'all passing', stuck: 'stuck', offline: 'offline' },
} as const;

/** The script, run in the browser: it reads the view, and builds the rows with textContent. */
const SCRIPT = `
const TEXT = ${JSON.stringify(PAGE_TEXT)};
const live = document.getElementById('live');
const rows = document.getElementById('rows');
const bars = document.getElementById('bars');
const empty = document.getElementById('empty');
let shown = { rows: [], distribution: [], rules: { stuck: '', offline: '' } };
let receivedAt = Date.now();

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}
function draw() {
  const elapsed = (Date.now() - receivedAt) / 1000;
  document.getElementById('rule-stuck').textContent = shown.rules.stuck;
  document.getElementById('rule-offline').textContent = shown.rules.offline;
  empty.hidden = shown.rows.length > 0;
  rows.replaceChildren(...shown.rows.map((row) => {
    const tr = el('tr', undefined, row.status.kind);
    tr.dataset.runner = row.runner;
    const status = TEXT.status[row.status.kind] + (row.status.why ? ': ' + row.status.why : '');
    tr.append(
      el('td', row.name, 'name'),
      el('td', row.kata.number + ' ' + row.kata.slug, 'kata'),
      el('td', row.passed, 'n passed'),
      el('td', row.failed, 'n failed'),
      el('td', row.firstFailing ?? '', 'failing'),
      el('td', row.hintsOpened, 'n hints'),
      // an offline pair's time on its kata is the last one it posted; a save's age goes on
      el('td', duration(row.secondsOnKata + (row.status.kind === 'offline' ? 0 : row.secondsSincePost + elapsed)), 'n'),
      el('td', duration(row.secondsSinceChange + row.secondsSincePost + elapsed) + ' ago', 'n'),
      el('td', status, 'status'),
    );
    return tr;
  }));
  const most = Math.max(1, ...shown.distribution.map((count) => count.pairs));
  bars.replaceChildren(...shown.distribution.map((count) => {
    const bar = el('div', undefined, 'bar');
    bar.dataset.kata = String(count.kata.number);
    const fill = el('div', undefined, count.stuck > 0 ? 'fill hot' : 'fill');
    fill.style.width = (count.pairs / most) * 20 + 'rem';
    fill.style.setProperty('--stuck', (count.stuck / count.pairs) * 100 + '%');
    const stuck = count.stuck > 0 ? ' (' + count.stuck + ' stuck)' : '';
    bar.append(
      el('span', count.kata.number + ' ' + count.kata.slug, 'label'),
      fill,
      el('span', count.pairs + (count.pairs === 1 ? ' pair' : ' pairs') + stuck, 'count'),
    );
    return bar;
  }));
}
const source = new EventSource('/events');
source.addEventListener(${JSON.stringify(VIEW_EVENT)}, (event) => {
  shown = JSON.parse(event.data);
  receivedAt = Date.now();
  draw();
});
source.addEventListener('open', () => { live.textContent = TEXT.live; live.className = 'on'; });
source.addEventListener('error', () => { live.textContent = TEXT.reconnecting; live.className = ''; });
setInterval(draw, 15000);
`;

const header = PAGE_TEXT.columns.map((column) => `<th>${column}</th>`).join('');

export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${TITLE} <span id="live">${PAGE_TEXT.reconnecting}</span></h1>
<p class="rules" id="rule-stuck"></p>
<p class="rules" id="rule-offline"></p>
<h2>${PAGE_TEXT.pairs}</h2>
<table>
<thead><tr>${header}</tr></thead>
<tbody id="rows"></tbody>
</table>
<p id="empty">${PAGE_TEXT.empty}</p>
<h2>${PAGE_TEXT.distribution}</h2>
<div id="bars"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** The page may run its own inline script and style and talk to its own origin, nothing else. */
export const PAGE_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";

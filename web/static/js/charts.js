// Small SVG charts drawn from numbers: stacked bars and lines over time buckets, each with axes, tick labels,
// a title and a legend, so that a screenshot reads on its own. Colours come from the stylesheet (classes
// s0…s7 and the series' own class), never from inline styles.

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// A round top for the y axis and about five ticks: 0, 20, 40 … for 93.
function niceScale(max) {
  if (!(max > 0)) return {top: 1, step: 1};
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= raw);
  return {top: Math.ceil(max / step) * step, step};
}

const W = 640;
const H = 260;
const M = {top: 16, right: 16, bottom: 44, left: 52};

// options: {title, labels: [x label per bucket], series: [{name, values, cls}], kind: 'bars'|'lines',
//           yFormat: n → text, yTitle}
export function chart({title, labels, series, kind = 'bars', yFormat = String, yTitle = ''}) {
  const n = labels.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const totals = labels.map((_, i) => (kind === 'bars'
    ? series.reduce((sum, x) => sum + (Number(x.values[i]) || 0), 0)
    : Math.max(0, ...series.map((x) => Number(x.values[i]) || 0))));
  const {top, step} = niceScale(Math.max(0, ...totals));
  const y = (v) => M.top + plotH - (v / top) * plotH;
  const band = n ? plotW / n : plotW;
  const x = (i) => M.left + band * i + band / 2;

  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title});
  svg.append(s('title', {}, title));
  const grid = s('g', {class: 'grid'});
  for (let v = 0; v <= top + step / 2; v += step) {
    grid.append(s('line', {x1: M.left, x2: W - M.right, y1: y(v), y2: y(v)}));
    grid.append(s('text', {x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick'}, yFormat(v)));
  }
  svg.append(grid);
  if (yTitle) {
    svg.append(s('text', {x: 12, y: M.top + plotH / 2, class: 'axis-title', 'text-anchor': 'middle',
                          transform: `rotate(-90 12 ${M.top + plotH / 2})`}, yTitle));
  }
  const every = Math.max(1, Math.ceil(n / 10));
  const xAxis = s('g', {class: 'x-axis'});
  xAxis.append(s('line', {x1: M.left, x2: W - M.right, y1: y(0), y2: y(0), class: 'axis'}));
  labels.forEach((text, i) => {
    if (i % every === 0 && (n - 1 - i >= every / 2 || i === n - 1)) xAxis.append(s('text', {x: x(i), y: H - M.bottom + 16, 'text-anchor': 'middle',
                                                                class: 'tick'}, text));
  });
  svg.append(xAxis);

  if (kind === 'bars') {
    const barW = Math.max(1, band * 0.7);
    const bars = s('g', {class: 'bars'});
    labels.forEach((label, i) => {
      let base = 0;
      series.forEach((serie, k) => {
        const v = Number(serie.values[i]) || 0;
        if (v <= 0) return;
        const rect = s('rect', {x: x(i) - barW / 2, y: y(base + v), width: barW, height: Math.max(0.5, y(base) - y(base + v)),
                                class: `${serie.cls ?? ''} s${k}`});
        rect.append(s('title', {}, `${label} · ${serie.name}: ${yFormat(v)}`));
        bars.append(rect);
        base += v;
      });
    });
    svg.append(bars);
  } else {
    series.forEach((serie, k) => {
      const points = [];
      serie.values.forEach((v, i) => {
        if (v !== null && v !== undefined && !Number.isNaN(Number(v))) points.push([x(i), y(Number(v))]);
      });
      if (!points.length) return;
      const g = s('g', {class: `line ${serie.cls ?? ''} s${k}`});
      g.append(s('polyline', {points: points.map((p) => p.join(',')).join(' '), fill: 'none'}));
      for (const [px, py] of points) g.append(s('circle', {cx: px, cy: py, r: 2.5}));
      svg.append(g);
    });
  }

  const legend = s('g', {class: 'legend'});
  let lx = M.left;
  series.forEach((serie, k) => {
    const item = s('g', {class: `${serie.cls ?? ''} s${k}`, transform: `translate(${lx} ${H - 14})`});
    item.append(s('rect', {x: 0, y: -9, width: 10, height: 10}));
    item.append(s('text', {x: 14, y: 0, class: 'legend-text'}, serie.name));
    legend.append(item);
    lx += 24 + serie.name.length * 7;
  });
  svg.append(legend);
  return svg;
}

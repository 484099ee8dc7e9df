// Hand-drawn SVG line charts: no chart library, readable at phone width (the SVG scales with its box).
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2f6fb0', '#d9822b', '#2e9e6a', '#a23ea8', '#c23b3b'];

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

function shortLabel(x) {
  if (typeof x === 'number') return Number.isInteger(x) ? String(x) : x.toFixed(2);
  return String(x);
}

/**
 * A line chart.
 * series: [{name, points: [{x, y}]}] — x is a number or a label (dates as 'YYYY-MM-DD'), y a number.
 * options: {title, yMax (e.g. 1 for accuracy), yFormat, xLabel, yLabel}
 * Returns a <figure class="chart"> holding the SVG, a legend and a caption; an empty-state text when no points.
 */
export function lineChart(series, options = {}) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const usable = series.filter(s => s.points && s.points.length);
  if (!usable.length) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = options.empty || 'Nothing to chart yet.';
    figure.append(p);
    return figure;
  }
  const width = 640;
  const height = 260;
  const pad = {left: 48, right: 16, top: 16, bottom: 36};
  const categorical = usable.some(s => s.points.some(p => typeof p.x !== 'number'));
  const xs = categorical
    ? [...new Set(usable.flatMap(s => s.points.map(p => String(p.x))))].sort()
    : null;
  const xValue = p => (categorical ? xs.indexOf(String(p.x)) : p.x);
  const allX = usable.flatMap(s => s.points.map(xValue));
  const xMin = Math.min(...allX);
  const xMax = Math.max(...allX);
  const highest = Math.max(...usable.flatMap(s => s.points.map(p => p.y)));
  // integer charts get a multiple of four, so each of the four grid steps is a whole number
  const yMax = options.yMax ?? (options.integer ? Math.ceil(niceMax(Math.max(4, highest)) / 4) * 4 : niceMax(highest));
  const px = x => pad.left + (xMax === xMin ? 0.5 : (x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const py = y => height - pad.bottom - (Math.max(0, Math.min(y, yMax)) / yMax) * (height - pad.top - pad.bottom);
  const yFormat = options.yFormat || (options.integer ? v => String(Math.round(v))
    : v => (yMax <= 1 ? v.toFixed(2) : shortLabel(Math.round(v * 100) / 100)));

  const root = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart-svg',
    'aria-label': options.title || 'chart', preserveAspectRatio: 'xMidYMid meet'});
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    root.append(svg('line', {x1: pad.left, x2: width - pad.right, y1: py(v), y2: py(v), class: 'grid'}));
    root.append(svg('text', {x: pad.left - 6, y: py(v) + 4, 'text-anchor': 'end', class: 'tick'}, yFormat(v)));
  }
  const integerX = !categorical && allX.every(Number.isInteger);
  const xTicks = categorical ? xs.map((label, i) => [i, label]) : ticksBetween(xMin, xMax, integerX);
  const every = Math.max(1, Math.ceil(xTicks.length / 6));
  xTicks.forEach(([x, label], i) => {
    if (i % every !== 0 && i !== xTicks.length - 1) return;
    const anchor = xTicks.length > 1 && i === xTicks.length - 1 ? 'end' : i === 0 && xTicks.length > 1 ? 'start' : 'middle';
    root.append(svg('text', {x: px(x), y: height - pad.bottom + 18, 'text-anchor': anchor, class: 'tick'},
      shortLabel(label)));
  });
  root.append(svg('line', {x1: pad.left, x2: width - pad.right, y1: py(0), y2: py(0), class: 'axis'}));
  if (options.xLabel) {
    root.append(svg('text', {x: width - pad.right, y: height - 4, 'text-anchor': 'end', class: 'axis-label'},
      options.xLabel));
  }
  usable.forEach((s, i) => {
    const color = s.color || COLORS[i % COLORS.length];
    const points = [...s.points].sort((a, b) => xValue(a) - xValue(b));
    const d = points.map((p, j) => `${j ? 'L' : 'M'}${px(xValue(p)).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    root.append(svg('path', {d, fill: 'none', stroke: color, 'stroke-width': 2, class: 'series',
      'data-series': s.name}));
    if (points.length <= 60) {
      for (const p of points) {
        const dot = svg('circle', {cx: px(xValue(p)), cy: py(p.y), r: 3, fill: color});
        dot.append(svg('title', {}, `${s.name}: ${shortLabel(p.x)} → ${yFormat(p.y)}`));
        root.append(dot);
      }
    }
  });
  figure.append(root);
  if (usable.length > 1 || options.legend) {
    const legend = document.createElement('div');
    legend.className = 'legend';
    usable.forEach((s, i) => {
      const item = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = s.color || COLORS[i % COLORS.length];
      item.append(swatch, s.name);
      legend.append(item);
    });
    figure.append(legend);
  }
  if (options.title) {
    const caption = document.createElement('figcaption');
    caption.textContent = options.title;
    figure.append(caption);
  }
  return figure;
}

function ticksBetween(min, max, integer) {
  if (min === max) return [[min, min]];
  const step = integer ? Math.max(1, Math.round(niceMax((max - min) / 5))) : niceMax((max - min) / 5);
  const ticks = [];
  for (let x = Math.ceil(min / step) * step; x <= max + 1e-9; x += step) ticks.push([x, x]);
  return ticks;
}

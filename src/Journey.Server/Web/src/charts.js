import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { h, uniqueId } from './dom.js';
import { t } from './i18n.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

// Large type and dark text on white: readable on a laptop and from the back of a room on a projector.
Chart.defaults.font.size = 16;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.color = '#1a1a1a';
Chart.defaults.borderColor = '#c8c8c8';
// No animation: figures appear at once, screenshots are stable, and nothing moves for people who prefer it so.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.plugins.legend.labels.boxWidth = 18;
// The legend shows each series' marker (dot, diamond), not only its colour.
Chart.defaults.plugins.legend.labels.usePointStyle = true;

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** The three parts of a service, in the order they happen. */
export const stageColours = { waiting: '#E69F00', processing: '#0072B2', delivery: '#009E73' };

/**
 * Every chart drawn on the page, by name, so that tests (and curious people in the console) can read
 * the numbers a chart actually plots.
 */
const registry = new Map();
window.journeyDashboard = { charts: registry };

/**
 * A figure: title, the chart (an image to assistive technology, with a label saying where the numbers
 * are), and the same numbers as a table. Call draw() once the figure is in the document.
 */
export function chartFigure({ name, title, showTitle = true, description, ariaLabel, height = 320, config, table, note }) {
  const canvas = h('canvas', { role: 'img', 'aria-label': ariaLabel });
  const box = h('div', { class: 'canvas-box' }, canvas);
  // Through the CSSOM rather than a style attribute, which the page's content security policy refuses.
  box.style.height = `${height}px`;
  const tableId = uniqueId(`${name}-table`);
  const figure = h('figure', { class: 'chart', dataset: { chart: name } },
    h('figcaption', {}, showTitle ? h('h3', {}, title) : null, description ? h('p', { class: 'intro' }, description) : null),
    box,
    note ?? null,
    h('details', { class: 'numbers' },
      h('summary', { 'aria-controls': tableId }, t('showNumbers')),
      dataTable({ ...table, id: tableId, caption: title })));
  return {
    element: figure,
    draw() {
      registry.get(name)?.destroy();
      registry.set(name, new Chart(canvas, config));
    },
  };
}

/**
 * An accessible table. Each cell is text, or { text, value } where value is the raw number behind the
 * text (kept in data-value, so the table states exactly what the chart plots). The cell at rowHeader
 * names the row.
 */
export function dataTable({ id, caption, columns, rows, name, rowHeader = 0 }) {
  return h('table', { id, class: 'data', dataset: name ? { table: name } : undefined },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((column) =>
      h('th', { scope: 'col', class: column.numeric ? 'num' : undefined }, column.label)))),
    h('tbody', {}, rows.map((row) =>
      h('tr', { class: row.suppressed ? 'suppressed' : undefined, dataset: row.key ? { key: row.key } : undefined },
        row.cells.map((cell, i) => {
          const tag = i === rowHeader ? 'th' : 'td';
          const props = { scope: i === rowHeader ? 'row' : undefined, class: columns[i]?.numeric ? 'num' : undefined };
          if (cell !== null && typeof cell === 'object' && !(cell instanceof Node)) {
            return h(tag, { ...props, dataset: cell.value === undefined ? undefined : { value: String(cell.value) } }, cell.text);
          }
          return h(tag, props, cell);
        })))));
}

/** Axis ticks in days. */
export function daysAxis(title) {
  return {
    beginAtZero: true,
    title: { display: true, text: title, font: { size: 16 } },
    ticks: { font: { size: 15 } },
  };
}

// The dashboard: for one brand or all of the person's brands, over the last 7, 30 or 90 days: volume and
// sentiment, topics, SLA and first-response times, and the open and overdue cases now.

import {api, ApiError, listAll, query} from './api.js';
import {clear, h} from './dom.js';
import {t} from './i18n.js';
import {chart} from './charts.js';
import {formatDay, formatNumber, formatSpan, label} from './format.js';
import {brands} from './session.js';

const RANGES = [7, 30, 90];
const KEY = 'odziv.dashboard';

function saved() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function percent(x) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '—';
  const v = Number(x) <= 1 ? Number(x) * 100 : Number(x);  // 0…1 or already a percentage
  return `${formatNumber(Math.round(v * 10) / 10)} %`;
}

function tile(id, name, value, cls = '') {
  return h('div', {class: `tile ${cls}`, id}, h('span', {class: 'tile-value'}, value), h('span', {class: 'tile-name'}, name));
}

export function renderDashboard(main) {
  const state = {brand: '', days: 30, ...saved()};
  if (state.brand && !brands().some((b) => b.slug === state.brand)) state.brand = '';
  if (!RANGES.includes(state.days)) state.days = 30;
  let stopped = false;

  const brandPick = h('select', {id: 'dash-brand', onchange: () => { state.brand = brandPick.value; load(); }},
    h('option', {value: ''}, t('all_brands')),
    brands().map((b) => h('option', {value: b.slug, selected: b.slug === state.brand}, b.name || b.slug)));
  const rangeButtons = RANGES.map((d) => h('button', {
    type: 'button', class: 'seg', 'aria-pressed': String(d === state.days), dataset: {days: String(d)},
    onclick: () => { state.days = d; load(); }}, t('days_n', {n: d})));
  const body = h('div', {class: 'dash-body', id: 'dash-body'}, h('p', {class: 'muted'}, '…'));
  main.append(h('div', {class: 'dashboard'},
    h('div', {class: 'row wrap'}, h('h1', {}, t('dashboard')), h('span', {class: 'spacer'}),
      h('label', {for: 'dash-brand'}, t('brand')), brandPick,
      h('div', {class: 'segmented', role: 'group', 'aria-label': t('range')}, rangeButtons)),
    body));

  async function load() {
    localStorage.setItem(KEY, JSON.stringify(state));
    rangeButtons.forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.days) === state.days)));
    const to = new Date();
    const from = new Date(to.getTime() - state.days * 86400 * 1000);
    from.setUTCHours(0, 0, 0, 0);
    let stats;
    let brandRows = [];
    try {
      [stats, brandRows] = await Promise.all([
        api('GET', `/stats${query({brand: state.brand, from: from.toISOString(), to: to.toISOString(), bucket: 'day'})}`),
        listAll('/brands').catch(() => []),
      ]);
    } catch (e) {
      if (stopped || (e instanceof ApiError && e.status === 401)) return;
      clear(body).append(h('p', {class: 'error'}, t('error_generic', {message: e.message})));
      return;
    }
    if (stopped) return;
    draw(stats ?? {}, brandRows.filter((b) => !state.brand || b.slug === state.brand));
  }

  function draw(stats, brandRows) {
    const buckets = stats.buckets ?? [];
    const labels = buckets.map((b) => formatDay(b.start));
    const col = (name) => buckets.map((b) => Number(b[name] ?? 0));
    const total = (name) => col(name).reduce((a, b) => a + b, 0);
    const firstResponses = buckets.map((b) => b.median_first_response_s).filter((v) => typeof v === 'number');
    const typical = firstResponses.length ? firstResponses.sort((a, b) => a - b)[Math.floor(firstResponses.length / 2)] : null;
    const topics = [...(stats.topics ?? [])]
      .map((x) => ({...x, sum: (x.counts ?? []).reduce((a, b) => a + Number(b || 0), 0)}))
      .sort((a, b) => b.sum - a.sum).slice(0, 6);

    clear(body).append(
      h('div', {class: 'tiles'},
        tile('tile-open', t('open_cases'), formatNumber(stats.open_cases ?? 0)),
        tile('tile-overdue', t('overdue_cases'), formatNumber(stats.overdue_cases ?? 0), (stats.overdue_cases ?? 0) > 0 ? 'bad' : ''),
        tile('tile-sla', t('sla_compliance'), percent(stats.sla_compliance)),
        tile('tile-first-response', t('first_response_typical'), typical === null ? '—' : formatSpan(typical)),
        tile('tile-posts', t('posts_in_range'), formatNumber(total('posts')))),
      h('div', {class: 'charts'},
        h('figure', {}, h('figcaption', {}, t('chart_volume')), chart({
          title: t('chart_volume'), labels, yFormat: (v) => formatNumber(v), series: [
            {name: label('label', 'neg'), values: col('neg'), cls: 'neg'},
            {name: label('label', 'neu'), values: col('neu'), cls: 'neu'},
            {name: label('label', 'pos'), values: col('pos'), cls: 'pos'}]})),
        h('figure', {}, h('figcaption', {}, t('chart_topics')), topics.length ? chart({
          title: t('chart_topics'), labels, kind: 'lines', yFormat: (v) => formatNumber(v),
          series: topics.map((x) => ({name: label('topic', x.topic), values: x.counts ?? []}))}) :
          h('p', {class: 'muted'}, t('no_data'))),
        h('figure', {}, h('figcaption', {}, t('chart_sla')), chart({
          title: t('chart_sla'), labels, yFormat: (v) => formatNumber(v), series: [
            {name: t('sla_met'), values: col('sla_met'), cls: 'met'},
            {name: t('sla_missed'), values: col('sla_missed'), cls: 'missed'}]})),
        h('figure', {}, h('figcaption', {}, t('chart_first_response')), chart({
          title: t('chart_first_response'), labels, kind: 'lines', yTitle: t('minutes'), yFormat: (v) => formatNumber(v),
          series: [{name: t('median_first_response'), cls: 'frt',
            values: buckets.map((b) => (typeof b.median_first_response_s === 'number' ? b.median_first_response_s / 60 : null))}]})),
        h('figure', {}, h('figcaption', {}, t('chart_cases')), chart({
          title: t('chart_cases'), labels, kind: 'lines', yFormat: (v) => formatNumber(v), series: [
            {name: t('cases_opened'), values: col('cases_opened'), cls: 'opened'},
            {name: t('cases_answered'), values: col('cases_answered'), cls: 'answered'}]}))),
      brandRows.length ? h('table', {class: 'brands-table'},
        h('caption', {}, t('cases_by_brand')),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('brand')), h('th', {scope: 'col'}, t('open_cases')),
          h('th', {scope: 'col'}, t('overdue_cases')))),
        h('tbody', {}, brandRows.map((b) => h('tr', {}, h('td', {}, b.name || b.slug),
          h('td', {class: 'num'}, formatNumber(b.open_cases ?? 0)),
          h('td', {class: `num${(b.overdue_cases ?? 0) > 0 ? ' bad' : ''}`}, formatNumber(b.overdue_cases ?? 0)))))) : null);
  }

  load();
  return () => { stopped = true; };
}

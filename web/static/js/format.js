// How numbers, times and labels look on screen, in the chosen language.

import {language, t} from './i18n.js';

// "2h 05m", "3d 4h", "12m 03s"; a negative span (overdue) gets a minus sign.
export function formatSpan(seconds) {
  const sign = seconds < 0 ? '−' : '';
  let s = Math.abs(Math.trunc(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const mm = Math.floor(s / 60);
  s -= mm * 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${sign}${d}d ${hh}h`;
  if (hh > 0) return `${sign}${hh}h ${pad(mm)}m`;
  return `${sign}${mm}m ${pad(s)}s`;
}

export function formatNumber(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(language() === 'bs' ? 'hr' : 'en', {maximumFractionDigits: 1}).format(n);
}

// 12400 → "12.4k": for reach and axis ticks.
export function formatCompact(n) {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat('en', {notation: 'compact', maximumFractionDigits: 1})
    .format(n);
}

// Bosnian dates are written by hand ("23.11.2026. 19:46"): browsers' locale data for "bs" is often missing.
const pad2 = (n) => String(n).padStart(2, '0');

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  if (language() === 'bs') {
    return `${date.getDate()}.${date.getMonth() + 1}.${date.getFullYear()}. ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
  }
  return new Intl.DateTimeFormat('en-GB', {dateStyle: 'medium', timeStyle: 'short'}).format(date);
}

export function formatDay(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  if (language() === 'bs') return `${date.getDate()}.${date.getMonth() + 1}.`;
  return new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short'}).format(date);
}

// A label the server sends as a code ("neg", "resolved_privately", "awaiting_approval") in words, falling
// back to the code itself for one the app does not know yet.
export function label(kind, code) {
  if (code === null || code === undefined || code === '') return '—';
  const key = `${kind}_${code}`;
  const text = t(key);
  return text === key ? String(code).replaceAll('_', ' ') : text;
}

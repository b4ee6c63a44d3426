// Scores sentiment TSV files (header: id lang source score label text) with the npm packages
// vader-sentiment, sentiment (AFINN) and wink-sentiment, by the rules `odziv score --eval` uses:
// macro-F1 over the gold classes; where gold is only neg/pos the sign of the score decides (0 is a miss);
// Pearson r against a graded numeric gold score. Prints one tab-separated line per tool and file:
// tool file n accuracy macro_f1 r texts_per_cpu_second
'use strict';
const fs = require('fs');
const path = require('path');

const vader = require('vader-sentiment');
const Sentiment = require('sentiment');
const afinn = new Sentiment();
const wink = require('wink-sentiment');

const tools = {
  'vader-sentiment': (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound,
  'sentiment': (t) => afinn.analyze(t).comparative,
  'wink-sentiment': (t) => wink(t).normalizedScore,
};
// Labels as each tool's documentation suggests: VADER ±0.05 on compound, the others the sign.
const neutralBand = { 'vader-sentiment': 0.05, 'sentiment': 0, 'wink-sentiment': 0 };

function readTsv(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = lines[0].split('\t');
  const col = (name) => header.indexOf(name);
  const rows = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = line.split('\t');
    rows.push({ score: f[col('score')], label: f[col('label')], text: f.slice(col('text')).join('\t') });
  }
  return rows;
}

function metrics(rows, scores, band) {
  const binary = rows.every((r) => r.label !== 'neu');
  const classes = ['neg', 'neu', 'pos'];
  const tp = {}, fp = {}, fn = {}, present = {};
  for (const c of classes) { tp[c] = fp[c] = fn[c] = 0; present[c] = false; }
  let correct = 0;
  rows.forEach((r, i) => {
    const s = scores[i];
    let p;
    if (binary) p = s > 0 ? 'pos' : s < 0 ? 'neg' : 'neu';
    else p = s >= band && s > 0 ? 'pos' : s <= -band && s < 0 ? 'neg' : 'neu';
    present[r.label] = true;
    if (p === r.label) { correct++; tp[p]++; } else { fp[p]++; fn[r.label]++; }
  });
  let f1 = 0, k = 0;
  for (const c of classes) {
    if (!present[c]) continue;
    k++;
    const prec = tp[c] + fp[c] ? tp[c] / (tp[c] + fp[c]) : 0;
    const rec = tp[c] + fn[c] ? tp[c] / (tp[c] + fn[c]) : 0;
    f1 += prec + rec ? (2 * prec * rec) / (prec + rec) : 0;
  }
  const gold = rows.map((r) => Number(r.score));
  const graded = gold.every((g) => r_ok(g)) && gold.some((g) => g !== Math.floor(g));
  function r_ok(g) { return Number.isFinite(g); }
  let r = null;
  if (graded) {
    const n = gold.length;
    const mx = scores.reduce((a, b) => a + b, 0) / n, my = gold.reduce((a, b) => a + b, 0) / n;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (scores[i] - mx) * (gold[i] - my);
      sxx += (scores[i] - mx) ** 2;
      syy += (gold[i] - my) ** 2;
    }
    r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  }
  return { n: rows.length, accuracy: correct / rows.length, f1: k ? f1 / k : 0, r };
}

for (const file of process.argv.slice(2)) {
  const rows = readTsv(file);
  for (const [name, fn] of Object.entries(tools)) {
    // CPU time (like odziv's numbers), so that a busy machine does not skew the comparison.
    const start = process.cpuUsage();
    const scores = rows.map((r) => { const s = fn(r.text); return Number.isFinite(s) ? s : 0; });
    const used = process.cpuUsage(start);
    const seconds = Math.max(1e-6, (used.user + used.system) / 1e6);
    const m = metrics(rows, scores, neutralBand[name]);
    console.log([name, path.basename(file, '.tsv'), m.n, m.accuracy.toFixed(3), m.f1.toFixed(3),
      m.r === null ? '-' : m.r.toFixed(3), Math.round(rows.length / seconds)].join('\t'));
  }
}

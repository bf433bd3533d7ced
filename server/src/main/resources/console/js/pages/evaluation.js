// Evaluation: the engine's calibrated threshold, each collection's threshold against it, and the measured curves.
import { api } from '../api.js';
import { h, clear, section, pageTitle, statusLine, showError, table } from '../ui.js';
import { loadCollections } from './shared.js';

const FIGURES = [
  ['img/lfw-roc-default.png', 'ROC on LFW (6,000 pairs), default pipeline', 'ROC curve of the default pipeline on LFW View 2'],
  ['img/lfw-scores-default.png', 'Score distributions on LFW, default pipeline, the shipped threshold 0.91 marked',
    'Distributions of genuine and impostor similarity scores on LFW'],
  ['img/lfw-det-default.png', 'DET on LFW, default pipeline', 'Detection error trade-off curve of the default pipeline on LFW View 2'],
  ['img/lfw-roc-best.png', 'ROC on LFW, YuNet + 68-point chip + flip averaging', 'ROC curve of the best measured pipeline on LFW View 2'],
];

export function render(main) {
  const msg = statusLine();
  const calib = h('div#calibration');
  const cols = h('div#evaluation-collections');
  clear(main, pageTitle('Evaluation'),
    h('p.lead', 'How the thresholds in use relate to measured accuracy. Similarity is cosine similarity; a pair at or above a '
      + 'collection’s threshold is a match.'),
    msg,
    section('Engine threshold', calib),
    section('Collections', cols),
    section('Measured curves',
      h('p', 'Measured on LFW View 2 with the default model pack (docs/ACCURACY.md). Curves for a deployment’s own data come from '
        + '“consentry eval verification --report DIR” (roc.png, det.png, scores.png) and “consentry calibrate”.'),
      h('div.figures', {}, FIGURES.map(([src, caption, alt]) => h('figure', {}, h('img', { src, alt, loading: 'lazy' }), h('figcaption', caption))))));

  Promise.all([api('/calibration'), loadCollections(true)]).then(([c, list]) => {
    clear(calib, h('dl.facts', {},
      h('dt', 'Threshold in use'), h('dd#engine-threshold', String(c.threshold)),
      h('dt', 'Source'), h('dd', c.calibrated ? 'this deployment’s calibration' : `the model pack’s default (${c.packId}); not calibrated here`),
      h('dt', 'Pack default'), h('dd', String(c.packThreshold)),
      c.calibrated ? [
        h('dt', 'Target FMR'), h('dd', String(c.targetFmr)),
        h('dt', 'Measured FMR / FNMR'), h('dd', `${pct(c.measuredFmr)} / ${pct(c.measuredFnmr)}`),
        h('dt', 'Pairs'), h('dd', `${c.genuinePairs} genuine, ${c.impostorPairs} impostor${c.pairsFile ? ` (${c.pairsFile})` : ''}`),
        h('dt', 'Calibrated at'), h('dd', c.calibratedAt || '')] : [
        h('dt', 'Measured on LFW at 0.91'), h('dd', 'FMR 0.70 % (21 of 3,000 impostor pairs), FNMR 2.53 % (76 of 3,000 genuine pairs)')]));
    clear(cols, table([
      { title: 'Collection', value: (x) => x.name },
      { title: 'Purpose', value: (x) => x.purpose },
      { title: 'Threshold', value: (x) => String(x.matchThreshold), cls: 'num' },
      { title: 'Against the engine', value: (x) => compare(x.matchThreshold, c.threshold) },
    ], list, { empty: 'No collections yet.' }));
  }).catch((err) => showError(msg, err, 'Could not load'));
}

function pct(x) {
  return typeof x === 'number' ? `${(x * 100).toFixed(2)} %` : '';
}

function compare(t, engine) {
  const d = t - engine;
  if (Math.abs(d) < 1e-9) return 'same as the engine threshold';
  return d > 0 ? `stricter by ${d.toFixed(3)}: fewer false matches, more missed matches`
    : `looser by ${(-d).toFixed(3)}: more false matches than measured`;
}

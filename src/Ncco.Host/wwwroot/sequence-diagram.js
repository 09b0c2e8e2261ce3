// Draws a call's sequence diagram as SVG from the structured form the dashboard API returns (`sequence`, built by
// Ncco.Diagnostics.CallLog.RenderSequence, the same data the Mermaid text is written from): participants as columns with
// lifelines, messages as labelled arrows in time order, replies dashed, notes for what the VM did on a leg. No library:
// the pages load nothing from outside the host.
const SVG = 'http://www.w3.org/2000/svg';
const CHAR = 6.6; // px per character of the 12 px labels: an estimate, so layout needs no element in the document
const MIN_GAP = 170;
const MAX_GAP = 300; // four columns fit a desktop-width card; longer labels are cut (the whole text is in their <title>)
const BOX_H = 34;
const TOP = 10;
const ROW = { message: 34, reply: 34, note: 30 };
let serial = 0; // ids in one page must be unique (title, description, arrow markers)

function node(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const label = (step) => (step.at ? `${step.at} ${step.text}` : step.text);

// Cuts a label to the room it has; the whole text stays in the element's <title> (a tooltip and for screen readers).
function fit(text, width) {
  const max = Math.max(4, Math.floor(width / CHAR));
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/**
 * Builds the SVG of a sequence diagram.
 * @param {{participants: {id: string, label: string}[], steps: {kind: string, from: string, to: string, at: string|null, text: string}[]}} diagram
 * @param {{title: string, description: string}} text accessible name and description of the image
 * @returns {SVGSVGElement}
 */
export function renderSequenceDiagram(diagram, text) {
  const n = ++serial;
  const ids = diagram.participants.map((p) => p.id);
  const column = new Map(ids.map((id, i) => [id, i]));
  const known = diagram.steps.filter((s) => column.has(s.from) && column.has(s.to));

  // Each gap between neighbouring columns is wide enough for the labels crossing it (within limits), so short
  // diagrams stay compact and long webhook lines do not have to be cut to a few characters.
  const gaps = new Array(Math.max(0, ids.length - 1)).fill(MIN_GAP);
  for (const p of diagram.participants.slice(1)) {
    const i = column.get(p.id) - 1;
    gaps[i] = Math.max(gaps[i], Math.min(MAX_GAP, (diagram.participants[i].label.length + p.label.length) * CHAR / 2 + 40));
  }
  for (const s of known) {
    if (s.kind === 'note') continue;
    const [a, b] = [column.get(s.from), column.get(s.to)].sort((x, y) => x - y);
    if (a === b) continue;
    const need = Math.min(MAX_GAP, (label(s).length * CHAR + 24) / (b - a));
    for (let i = a; i < b; i++) gaps[i] = Math.max(gaps[i], need);
  }
  const boxW = (i) => Math.min(MIN_GAP - 20, diagram.participants[i].label.length * CHAR + 24);
  const margin = Math.max(80, boxW(0) / 2 + 10);
  const xs = [margin];
  for (const g of gaps) xs.push(xs[xs.length - 1] + g);
  const width = xs[xs.length - 1] + Math.max(80, boxW(ids.length - 1) / 2 + 10);

  let y = TOP + BOX_H + 24;
  const rows = known.map((s) => {
    const row = { step: s, y };
    y += ROW[s.kind] || ROW.message;
    return row;
  });
  const bottom = y + 6;
  const height = bottom + BOX_H + TOP;

  const svg = node('svg', {
    xmlns: SVG, class: 'sequence', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `seq-title-${n}`, 'aria-describedby': `seq-desc-${n}`,
  });
  svg.append(node('title', { id: `seq-title-${n}` }, text.title), node('desc', { id: `seq-desc-${n}` }, text.description));
  const defs = node('defs');
  for (const kind of ['message', 'reply']) {
    const marker = node('marker', { id: `seq-${kind}-${n}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
    marker.append(node('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrowhead ${kind}` }));
    defs.append(marker);
  }
  svg.append(defs);

  // Lifelines first, so arrows and notes are drawn over them.
  diagram.participants.forEach((p, i) => {
    svg.append(node('line', { class: 'lifeline', x1: xs[i], y1: TOP + BOX_H, x2: xs[i], y2: bottom }));
  });
  diagram.participants.forEach((p, i) => {
    for (const top of [TOP, bottom]) {
      // The names are repeated at the foot (as Mermaid does) so a long diagram is readable at its end too.
      const g = node('g', { class: top === TOP ? 'participant' : 'participant-foot', 'data-id': p.id });
      const w = boxW(i);
      g.append(node('title', {}, p.label));
      g.append(node('rect', { x: xs[i] - w / 2, y: top, width: w, height: BOX_H, rx: 4 }));
      g.append(node('text', { x: xs[i], y: top + BOX_H / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, fit(p.label, w - 12)));
      svg.append(g);
    }
  });

  for (const { step, y: rowY } of rows) {
    const a = xs[column.get(step.from)];
    const b = xs[column.get(step.to)];
    const full = label(step);
    if (step.kind === 'note') {
      const left = Math.min(a, b) - 60;
      const right = Math.max(a, b) + 60;
      const g = node('g', { class: 'note', 'data-from': step.from, 'data-to': step.to });
      g.append(node('title', {}, full));
      g.append(node('rect', { x: left, y: rowY - 11, width: right - left, height: 22, rx: 2 }));
      g.append(node('text', { x: (left + right) / 2, y: rowY, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, fit(full, right - left - 12)));
      svg.append(g);
      continue;
    }
    const kind = step.kind === 'reply' ? 'reply' : 'message';
    const g = node('g', { class: kind, 'data-from': step.from, 'data-to': step.to });
    g.append(node('title', {}, full));
    const lineY = rowY + 8;
    if (a === b) {
      // A leg talking to itself: a small loop on its lifeline.
      g.append(node('path', { d: `M ${a} ${lineY - 6} h 30 v 12 h -28`, class: 'arrow', 'marker-end': `url(#seq-${kind}-${n})` }));
      g.append(node('text', { x: a + 36, y: lineY - 4, 'text-anchor': 'start' }, fit(full, 260)));
    } else {
      g.append(node('line', { x1: a, y1: lineY, x2: b, y2: lineY, class: 'arrow', 'marker-end': `url(#seq-${kind}-${n})` }));
      g.append(node('text', { x: (a + b) / 2, y: lineY - 6, 'text-anchor': 'middle' }, fit(full, Math.abs(b - a) - 16)));
    }
    svg.append(g);
  }
  return svg;
}

// Fruits! web app: pick or take a photo, POST it to /api/v1/predictions, show the answer and the fruit's card.
'use strict';

const NUTRIENTS = [
  ['energyKcal', 'Energy', 'kcal'],
  ['carbohydratesG', 'Carbohydrates', 'g'],
  ['sugarsG', 'of which sugars', 'g'],
  ['fiberG', 'Fibre', 'g'],
  ['proteinG', 'Protein', 'g'],
  ['fatG', 'Fat', 'g'],
  ['vitaminCMg', 'Vitamin C', 'mg'],
];

const $ = (id) => document.getElementById(id);

function percent(p) {
  return `${(100 * p).toFixed(p >= 0.995 || p < 0.001 ? 1 : 0)} %`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showStatus(message, isError) {
  const status = $('status');
  status.textContent = message;
  status.classList.toggle('error', Boolean(isError));
}

function showGuesses(top) {
  const list = $('guesses');
  list.replaceChildren();
  for (const guess of top) {
    const item = element('li');
    const name = element('div', 'guess-name');
    const variety = guess.variety ? ` · ${guess.variety}?` : '';
    name.append(element('span', '', `${guess.commonName}${variety}`), element('span', '', percent(guess.confidence)));
    const bar = element('div', 'bar');
    bar.setAttribute('role', 'meter');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', String(Math.round(100 * guess.confidence)));
    bar.setAttribute('aria-label', guess.label);
    const fill = element('span');
    fill.style.width = `${Math.max(1, 100 * guess.confidence)}%`;
    bar.append(fill);
    item.append(name, bar);
    list.append(item);
  }
}

function showCard(fruit) {
  if (!fruit) {
    $('card').hidden = true;
    return;
  }
  $('card-title').textContent = fruit.commonName;
  $('card-variety').textContent = fruit.variety;
  $('card-description').textContent = fruit.description;
  $('card-season').textContent = fruit.season;
  $('card-handling').textContent = fruit.handling;
  const rows = $('card-nutrition');
  rows.replaceChildren();
  for (const [key, name, unit] of NUTRIENTS) {
    const value = fruit.nutritionPer100g[key];
    if (value === null || value === undefined) continue;
    const row = element('tr');
    row.append(element('td', '', name), element('td', '', `${value} ${unit}`));
    rows.append(row);
  }
  $('card').hidden = false;
}

function showAnswer(answer) {
  const result = $('result');
  result.classList.toggle('unsure', !answer.recognized);
  $('answer').textContent = answer.recognized
    ? answer.fruit.commonName + (answer.variety ? ` — probably ${answer.variety}` : '')
    : answer.message;
  $('answer-detail').textContent = answer.recognized
    ? `${percent(answer.top[0].confidence)} sure`
    : 'Closest guesses below. Try another photo: get closer, fill the frame with the fruit, good light.';
  showGuesses(answer.top);
  result.hidden = false;
  showCard(answer.recognized ? answer.fruit : null);
  $('model').textContent = `Model ${answer.model.version} · answered in ${Math.round(answer.latencyMs.total)} ms`;
}

async function recognise(file) {
  const preview = $('preview');
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  $('preview-frame').hidden = false;
  $('result').hidden = true;
  $('card').hidden = true;
  showStatus('Looking at your photo…');
  const form = new FormData();
  form.append('image', file);
  try {
    const response = await fetch('/api/v1/predictions', { method: 'POST', body: form });
    const body = await response.json();
    if (!response.ok) {
      showStatus(body.message || `The server refused the photo (${response.status}).`, true);
      return;
    }
    showStatus('');
    showAnswer(body);
  } catch (error) {
    showStatus('Could not reach the server. Check your connection and try again.', true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('photo').addEventListener('change', (event) => {
    const file = event.target.files && event.target.files[0];
    if (file) recognise(file);
  });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(() => { /* the app works without offline support */ });
  }
});

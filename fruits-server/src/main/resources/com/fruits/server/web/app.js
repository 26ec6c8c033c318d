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

// The model sees 224 pixels (crops of 0.7 of the photo among them); 1280 on the long side leaves a wide margin and
// turns a 4 MB phone photo into about 200 KB before it crosses a mobile network.
const UPLOAD_LONG_SIDE = 1280;

/** The photo upright (EXIF orientation applied) and at most UPLOAD_LONG_SIDE pixels long, as a JPEG; else as is. */
async function shrink(file) {
  if (!('createImageBitmap' in window)) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (error) {
    return file; // a format the browser cannot decode: the server will say what is wrong with it
  }
  const scale = Math.min(1, UPLOAD_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size < 1024 * 1024) {
    bitmap.close();
    return file;
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext('2d');
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  return blob && blob.size < file.size ? blob : file;
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
  const upload = await shrink(file);
  form.append('image', upload, upload === file ? file.name : 'photo.jpg');
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

// The stream list: live state from GET api/streams every 2 s, add (PUT), delete (DELETE),
// and every output's URL. Plain JavaScript, relative URLs (works behind a proxy path).
'use strict';

let rtspPort = '8554';

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function outputs(name) {
  const q = encodeURIComponent(name);
  const base = new URL('.', location.href);
  const ws = (base.protocol === 'https:' ? 'wss://' : 'ws://') + base.host + base.pathname + 'api/ws?src=' + q;
  return [
    ['player', 'stream.html?src=' + q],
    ['rtsp', 'rtsp://' + location.hostname + ':' + rtspPort + '/' + name],
    ['mp4', 'api/stream.mp4?src=' + q],
    ['m3u8', 'api/stream.m3u8?src=' + q],
    ['mjpeg', 'api/stream.mjpeg?src=' + q],
    ['jpeg', 'api/frame.jpeg?src=' + q],
    ['ws', ws],
  ];
}

function row(name, s) {
  const state = s.state || 'idle';
  const viewers = (s.consumers || []).length;
  const links = el('td', {class: 'links'});
  for (const [label, href] of outputs(name)) links.append(el('a', {href}, label));
  const del = el('button', {class: 'delete'}, 'delete');
  del.onclick = async () => {
    if (!confirm('Delete stream ' + name + '?')) return;
    await fetch('api/streams?src=' + encodeURIComponent(name), {method: 'DELETE'});
    refresh();
  };
  return el('tr', {class: 'stream', 'data-name': name},
            el('td', {}, name), el('td', {class: 'state-' + state}, state),
            el('td', {class: 'error'}, s.last_error || ''), el('td', {}, String(viewers)), links, el('td', {}, del));
}

async function refresh() {
  try {
    const res = await fetch('api/streams');
    if (!res.ok) throw new Error(res.status + ' ' + await res.text());
    const all = await res.json();
    const body = document.querySelector('#streams tbody');
    body.replaceChildren(...Object.keys(all).sort().map(name => row(name, all[name] || {})));
    document.getElementById('list-error').textContent = '';
  } catch (e) {
    document.getElementById('list-error').textContent = 'cannot list streams: ' + e.message;
  }
}

document.getElementById('add').onsubmit = async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const url = 'api/streams?name=' + encodeURIComponent(f.name.value) + '&src=' + encodeURIComponent(f.src.value);
  const res = await fetch(url, {method: 'PUT'});
  document.getElementById('add-error').textContent = res.ok ? '' : await res.text();
  if (res.ok) f.reset();
  refresh();
};

fetch('api').then(r => r.json()).then(info => {
  document.getElementById('version').textContent = 'v' + info.switchyard_version;
  const listen = (info.rtsp && info.rtsp.listen) || '';
  if (listen.includes(':')) rtspPort = listen.slice(listen.lastIndexOf(':') + 1);
  refresh();
});
setInterval(refresh, 2000);

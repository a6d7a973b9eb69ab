// The player: MSE over the WebSocket API first, then the browser's own HLS (Safari on
// iOS has no MSE), then MJPEG. ?mode=mse|hls|mjpeg forces one. The mode that plays is
// shown.
'use strict';

const params = new URLSearchParams(location.search);
const src = params.get('src') || '';
const forced = params.get('mode');
const video = document.getElementById('video');
const img = document.getElementById('mjpeg');
const status = document.getElementById('status');
document.getElementById('name').textContent = src;

function setMode(mode) {
  document.getElementById('mode').textContent = 'mode: ' + mode;
  document.body.dataset.mode = mode;
}

function playMJPEG() {
  setMode('mjpeg');
  video.hidden = true;
  img.hidden = false;
  img.src = 'api/stream.mjpeg?src=' + encodeURIComponent(src);
}

// Resolves true once MSE plays, false (after cleaning up) when it cannot.
function playMSE() {
  return new Promise((resolve) => {
    if (!window.MediaSource) return resolve(false);
    const base = new URL('.', location.href);
    const ms = new MediaSource();
    let ws = null, sb = null, done = false;
    const queue = [];
    const finish = (ok, why) => {
      if (done) return;
      done = true;
      if (!ok) { if (ws) ws.close(); status.textContent = 'MSE: ' + why; }
      resolve(ok);
    };
    const pump = () => { if (sb && !sb.updating && queue.length) sb.appendBuffer(queue.shift()); };
    video.hidden = false;
    video.src = URL.createObjectURL(ms);
    ms.addEventListener('sourceopen', () => {
      // The socket opens only now, so its first message finds the media source ready.
      ws = new WebSocket((base.protocol === 'https:' ? 'wss://' : 'ws://') + base.host + base.pathname +
                         'api/ws?src=' + encodeURIComponent(src));
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => ws.send(JSON.stringify({type: 'mse',
        value: ['avc1.640029', 'avc1.64002A', 'avc1.640033', 'hvc1.1.6.L153.B0', 'mp4a.40.2', 'mp4a.40.5', 'flac', 'opus']
          .filter(c => MediaSource.isTypeSupported('video/mp4; codecs="' + c + '"')).join(',')}));
      ws.onmessage = (e) => {
        if (typeof e.data === 'string') {
          const m = JSON.parse(e.data);
          if (m.type !== 'mse') return finish(false, m.value);
          try { sb = ms.addSourceBuffer(m.value); } catch (err) { return finish(false, err.message); }
          sb.addEventListener('updateend', () => {
            // keep about 10 s behind the live edge in the buffer
            if (!sb.updating && video.buffered.length && video.currentTime - video.buffered.start(0) > 15)
              sb.remove(video.buffered.start(0), video.currentTime - 10);
            pump();
          });
          video.play().catch(() => {});
          return;
        }
        queue.push(e.data);
        pump();
      };
      ws.onerror = () => finish(false, 'WebSocket error');
      ws.onclose = () => finish(false, 'the connection closed');
    });
    video.addEventListener('timeupdate', () => { if (!done && video.currentTime > 0) { setMode('mse'); finish(true); } });
    setTimeout(() => finish(false, 'nothing played within 8 s'), 8000);
  });
}

// Resolves true once the browser's own HLS plays (MPEG-TS segments), false when it cannot.
function playHLS() {
  return new Promise((resolve) => {
    if (!video.canPlayType('application/vnd.apple.mpegurl')) return resolve(false);
    let done = false;
    const finish = (ok, why) => {
      if (done) return;
      done = true;
      if (!ok) status.textContent = 'HLS: ' + why;
      resolve(ok);
    };
    video.hidden = false;
    video.onerror = () => finish(false, (video.error && video.error.message) || 'cannot play');
    video.addEventListener('timeupdate', () => { if (!done && video.currentTime > 0) { setMode('hls'); finish(true); } });
    video.src = 'api/stream.m3u8?src=' + encodeURIComponent(src);
    video.play().catch(() => {});
    setTimeout(() => finish(false, 'nothing played within 10 s'), 10000);
  });
}

function stopVideo() {
  video.onerror = null;
  video.removeAttribute('src');
  video.load();
  video.hidden = true;
}

(async () => {
  if (!src) { status.textContent = 'no stream given (?src=NAME)'; return; }
  if ((!forced || forced === 'mse') && await playMSE()) return;
  if (forced !== 'mse') stopVideo();
  if ((!forced || forced === 'hls') && await playHLS()) return;
  stopVideo();
  playMJPEG();
})();

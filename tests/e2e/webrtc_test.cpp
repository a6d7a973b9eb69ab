// Headless Chromium (loopback only, no STUN) watches streams over WebRTC through
// POST /api/webrtc (go2rtc's JSON offer/answer and WHEP) and the /api/ws messages,
// and publishes into a stream over WHIP.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/browser.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/media_probe.hpp"

using namespace sy::test;
using namespace std::chrono;

namespace {

// A page script: a receive-only peer connection offers video and audio, sends the
// offer the way `mode` says, plays the answer, and resolves with what getStats saw
// after `seconds`: video frames decoded and audio packets received, per codec.
// json/whep: the complete offer over HTTP. ws1/ws2: the offer at once over
// /api/ws (go2rtc's player's v1 `webrtc/offer`, Home Assistant's v2 `webrtc`), the
// browser's candidates trickled after it as `webrtc/candidate`, ours added from the
// server's `webrtc/candidate` messages.
std::string watch(const std::string& src, const std::string& mode, int seconds) {
  return R"((async () => {
    const mode = ')" + mode + R"(';
    const pc = new RTCPeerConnection({iceServers: []});
    pc.addTransceiver('video', {direction: 'recvonly'});
    pc.addTransceiver('audio', {direction: 'recvonly'});
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; document.body.appendChild(v);
    const ms = new MediaStream();
    v.srcObject = ms;
    pc.ontrack = (e) => ms.addTrack(e.track);
    const out = {status: 200, location: '', frames: 0, audio_packets: 0, video_codec: '', audio_codec: '', ice: '', width: 0,
                 server_candidates: 0, sent_candidates: 0};
    let answer;
    if (mode === 'ws1' || mode === 'ws2') {
      const ws = new WebSocket('ws://' + location.host + '/api/ws?src=)" + src + R"(');
      await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
      const early = [];
      pc.onicecandidate = (e) => {
        if (!e.candidate || !e.candidate.candidate) return;
        out.sent_candidates++;
        ws.send(JSON.stringify({type: 'webrtc/candidate', value: e.candidate.candidate}));
      };
      let answered = false;
      const got = new Promise((resolve) => {
        ws.onmessage = async (ev) => {
          const m = JSON.parse(ev.data);
          if (m.type === 'webrtc/answer' || m.type === 'webrtc') {
            await pc.setRemoteDescription({type: 'answer', sdp: m.type === 'webrtc' ? m.value.sdp : m.value});
            answered = true;
            for (const c of early) await pc.addIceCandidate({candidate: c, sdpMid: '0'});
            resolve(m.type === 'webrtc' ? m.value.sdp : m.value);
          } else if (m.type === 'webrtc/candidate') {
            out.server_candidates++;
            if (answered) await pc.addIceCandidate({candidate: m.value, sdpMid: '0'}); else early.push(m.value);
          } else if (m.type === 'error') {
            out.status = 500; out.error = m.value; resolve('');
          }
        };
      });
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription.sdp;
      ws.send(JSON.stringify(mode === 'ws1' ? {type: 'webrtc/offer', value: sdp}
                                            : {type: 'webrtc', value: {type: 'offer', sdp, ice_servers: []}}));
      answer = await got;
      if (!answer) return out;
      window.ws = ws;
    } else {
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 3000); });
      if (mode === 'json') {
        const res = await fetch('/api/webrtc?src=)" + src + R"(', {method: 'POST', body: JSON.stringify({type: 'offer', sdp: pc.localDescription.sdp})});
        if (res.status !== 200) return {status: res.status, error: await res.text()};
        answer = (await res.json()).sdp;
      } else {
        const res = await fetch('/api/webrtc?src=)" + src + R"(', {method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: pc.localDescription.sdp});
        if (res.status !== 201) return {status: res.status, error: await res.text()};
        out.location = res.headers.get('Location');
        answer = await res.text();
      }
      await pc.setRemoteDescription({type: 'answer', sdp: answer});
    }
    await new Promise((r) => setTimeout(r, )" + std::to_string(seconds * 1000) + R"());
    out.ice = pc.iceConnectionState;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const codec = s.codecId && stats.get(s.codecId) ? stats.get(s.codecId).mimeType : '';
      if (s.kind === 'video') { out.frames = s.framesDecoded || 0; out.video_codec = codec; out.width = s.frameWidth || 0; }
      if (s.kind === 'audio') { out.audio_packets = s.packetsReceived || 0; out.audio_codec = codec; }
    });
    window.pc = pc;
    if (!out.frames) { out.answer = answer; out.offer = pc.localDescription.sdp; }
    return out;
  })())";
}

// A page script: a send-only peer connection publishes a canvas (320x240, drawn 25
// times a second) and a tone over WHIP to POST /api/webrtc?dst=`dst`, H.264 forced
// (Chromium's first choice is VP8). Resolves with the status, Location and the
// ICE state 2 s later; the peer stays in window.pub.
std::string publish(const std::string& dst) {
  return R"((async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 240;
    document.body.appendChild(canvas);
    const g = canvas.getContext('2d');
    let n = 0;
    window.drawing = setInterval(() => {
      g.fillStyle = 'hsl(' + (n * 7 % 360) + ',80%,50%)'; g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff'; g.fillRect((n * 5) % 300, 100, 20, 20); n++;
    }, 40);
    const ac = new AudioContext();
    const osc = ac.createOscillator();
    const dest = ac.createMediaStreamDestination();
    osc.connect(dest); osc.start();
    const pc = new RTCPeerConnection({iceServers: []});
    const video = pc.addTransceiver(canvas.captureStream(25).getVideoTracks()[0], {direction: 'sendonly'});
    pc.addTransceiver(dest.stream.getAudioTracks()[0], {direction: 'sendonly'});
    video.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter(
        (c) => c.mimeType === 'video/H264' && (c.sdpFmtpLine || '').includes('packetization-mode=1')));
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 3000); });
    const res = await fetch('/api/webrtc?dst=)" + dst + R"(', {method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: pc.localDescription.sdp});
    const out = {status: res.status, location: res.headers.get('Location') || '', ice: ''};
    if (res.status !== 201) { out.error = await res.text(); return out; }
    const answer = await res.text();
    try { await pc.setRemoteDescription({type: 'answer', sdp: answer}); } catch (e) { out.error = String(e); out.answer = answer; return out; }
    await new Promise((r) => setTimeout(r, 2000));
    out.ice = pc.iceConnectionState;
    window.pub = pc;
    return out;
  })())";
}

// A page script: `slots` viewers at a time, each offering (JSON API), watching until
// it has decoded a frame and 1-3 s have passed, then closing and starting over,
// for `seconds`. Resolves with how many sessions were answered, how many decoded
// video, and the errors of the others.
std::string churn(const std::string& src, int slots, int seconds) {
  return R"((async () => {
    const until = Date.now() + )" + std::to_string(seconds * 1000) + R"(;
    const out = {sessions: 0, played: 0, errors: []};
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    async function one() {
      const pc = new RTCPeerConnection({iceServers: []});
      pc.addTransceiver('video', {direction: 'recvonly'});
      pc.addTransceiver('audio', {direction: 'recvonly'});
      try {
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 3000); });
        const res = await fetch('/api/webrtc?src=)" + src + R"(', {method: 'POST', body: JSON.stringify({type: 'offer', sdp: pc.localDescription.sdp})});
        if (res.status !== 200) { out.errors.push(res.status + ' ' + await res.text()); return; }
        await pc.setRemoteDescription({type: 'answer', sdp: (await res.json()).sdp});
        out.sessions++;
        const hold = 1000 + Math.random() * 2000, t0 = Date.now();
        let frames = 0;
        while (Date.now() - t0 < hold + 15000 && !(frames > 0 && Date.now() - t0 >= hold)) {
          await sleep(250);
          (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0; });
        }
        if (frames > 0) out.played++; else out.errors.push('no frame decoded in ' + (Date.now() - t0) + ' ms, ice ' + pc.iceConnectionState + ', connection ' + pc.connectionState);
      } catch (e) {
        out.errors.push(String(e));
      } finally {
        pc.close();
      }
    }
    async function slot() { while (Date.now() < until) await one(); }
    await Promise.all(Array.from({length: )" + std::to_string(slots) + R"(}, slot));
    return out;
  })())";
}

// Whether Chromium started and shows the daemon's /api page (the origin the
// pages' fetches and sockets go to).
bool on_api_page(browser& b, const daemon_process& d) { return b.ok() && b.navigate(d.http_url("/api")); }

int number(const std::string& json, const std::string& key) {
  std::smatch m;
  return std::regex_search(json, m, std::regex("\"" + key + "\":([0-9]+)")) ? std::stoi(m[1]) : -1;
}

std::string text(const std::string& json, const std::string& key) {
  std::smatch m;
  return std::regex_search(json, m, std::regex("\"" + key + "\":\"([^\"]*)\"")) ? std::string(m[1]) : "";
}

std::string stream_json(const daemon_process& d, const std::string& name) {
  auto res = d.client().Get(("/api/streams?src=" + name).c_str());
  return res ? res->body : std::string{};
}

// Publishes from `b`'s page to `dst` (see publish): the page's result, or the error.
std::string publish_from(browser& b, const std::string& dst) {
  std::string error;
  auto result = b.evaluate(publish(dst), seconds(30), &error);
  return result.empty() ? "{\"error\": \"" + error + "\"}" : result;
}

// GET /api/streams?src=`name` until it is no longer 200 or `limit` has passed: the last status.
int status_once_gone(const daemon_process& d, const std::string& name, milliseconds limit) {
  auto c = d.client();
  auto until = steady_clock::now() + limit;
  int status = 200;
  while (status == 200 && steady_clock::now() < until) {
    auto res = c.Get(("/api/streams?src=" + name).c_str());
    status = res ? res->status : 0;
    if (status == 200) std::this_thread::sleep_for(milliseconds(20));
  }
  return status;
}

// Whether the stream JSON shows producer `source` (its url) running.
bool producer_runs(const std::string& json, const std::string& source, int id) {
  return std::regex_search(json, std::regex("\"url\":\\s*\"" + source + "\",\\s*\"id\":\\s*" + std::to_string(id)));
}

// Chromium plays `src` through each signalling way in turn: H.264 decoded, audio
// packets of `audio_codec` received; `during(json)` checks the stream's JSON while
// each peer plays. Then every peer closes and the stream is left without consumers.
void play_every_way(const daemon_process& d, const std::string& src, const std::string& audio_codec,
                    const std::function<void(const std::string&)>& during) {
  browser b;
  REQUIRE(on_api_page(b, d));
  for (auto mode : {"json", "whep", "ws1", "ws2"}) {
    CAPTURE(mode);
    std::string error;
    auto result = b.evaluate(watch(src, mode, 3), seconds(40), &error);
    CAPTURE(error);
    CAPTURE(result);
    CHECK(number(result, "status") == 200);
    CHECK(number(result, "frames") > 25);  // 3 s at 25 fps, less the start
    if (number(result, "frames") <= 25) MESSAGE(d.process->output());
    CHECK(text(result, "video_codec") == "video/H264");
    CHECK(number(result, "width") == 320);
    CHECK(number(result, "audio_packets") > 10);  // 128 ms test-tone packets or 20 ms Opus frames
    CHECK(text(result, "audio_codec") == audio_codec);
    if (std::string(mode) == "whep") CHECK(text(result, "location").rfind("/api/webrtc?id=", 0) == 0);
    if (std::string(mode).rfind("ws", 0) == 0) {
      CHECK(number(result, "server_candidates") > 0);  // ours, trickled as go2rtc does
      CHECK(number(result, "sent_candidates") > 0);    // the browser's, added to its viewer
    }
    during(stream_json(d, src));
    // The peer closes: its DTLS close_notify ends the viewer at once (a browser sends
    // no RTCP BYE; waiting for its reports to stop would take 2.5 s).
    b.evaluate("window.pc.close(), 1", seconds(5));
    auto closed = steady_clock::now();
    while (stream_json(d, src).find("webrtc") != std::string::npos && steady_clock::now() - closed < seconds(2))
      std::this_thread::sleep_for(milliseconds(20));
    CHECK(stream_json(d, src).find("webrtc") == std::string::npos);
  }
  CHECK(consumers_gone(d, src));
}

}  // namespace

TEST_CASE("Chromium plays a PCMA camera over WebRTC (JSON, WHEP, WebSocket v1 and v2): H.264 and PCMA passed through, no transcode started") {
  daemon_process d{"streams:\n  cam:\n    - \"test:?size=320x240&fps=25&audio=pcma\"\n    - \"ffmpeg:cam#audio=opus\"\n"};
  play_every_way(d, "cam", "audio/PCMA", [](const std::string& json) {
    CHECK(producer_runs(json, "test:\\?size=320x240&fps=25&audio=pcma", 1));
    CHECK(!std::regex_search(json, std::regex(R"("url":\s*"ffmpeg:cam#audio=opus",\s*"id")")));
  });
}

TEST_CASE("an AAC camera with Home Assistant's sources: WebRTC viewers start its Opus transcode, which stops a linger after the last leaves") {
  // HA's three sources; the camera sends H.264 and AAC, which no browser plays.
  daemon_process d{"streams:\n  camera.x:\n    - \"test:?size=320x240&fps=25&audio=aac\"\n"
                   "    - \"ffmpeg:camera.x#audio=opus#query=log_level=debug\"\n"
                   "    - \"ffmpeg:camera.x#video=mjpeg\"\n"};
  play_every_way(d, "camera.x", "audio/opus", [](const std::string& json) {
    CAPTURE(json);
    CHECK(producer_runs(json, "ffmpeg:camera.x#audio=opus#query=log_level=debug", 2));
    CHECK(json.find("\"audio, recvonly, OPUS/48000") != std::string::npos);
    CHECK(std::regex_search(json, std::regex(R"("format_name":\s*"webrtc",\s*"producer":\s*2)")));  // audio from it
    CHECK(std::regex_search(json, std::regex(R"("format_name":\s*"webrtc",\s*"producer":\s*1)")));  // video from the camera
    CHECK(!std::regex_search(json, std::regex(R"("url":\s*"ffmpeg:camera.x#video=mjpeg",\s*"id")")));  // nobody needs it
  });
  // The daemon's linger is 2 s: the transcode stops once its last viewer is gone.
  bool stopped = false;
  for (int i = 0; i < 50 && !stopped; ++i) {
    stopped = !std::regex_search(stream_json(d, "camera.x"), std::regex(R"("url":\s*"ffmpeg:camera.x#audio=opus[^"]*",\s*"id")"));
    if (!stopped) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(stopped);
  CHECK(d.process->output().find("transcode stopped: ffmpeg:camera.x#audio=opus") != std::string::npos);
}

TEST_CASE("an H.265 camera with an ffmpeg:#video=h264 source: a WebRTC viewer starts that transcode and plays H.264; it stops a linger after") {
  daemon_process d{"streams:\n  cam:\n    - \"test:?size=320x240&fps=25&codec=h265&audio=pcma\"\n"
                   "    - \"ffmpeg:cam#video=h264\"\n"};
  auto transcoding = [&] { return std::regex_search(stream_json(d, "cam"), std::regex(R"("url":\s*"ffmpeg:cam#video=h264",\s*"id")")); };
  browser b;
  REQUIRE(on_api_page(b, d));
  std::string error;
  auto result = b.evaluate(watch("cam", "json", 3), seconds(40), &error);
  CAPTURE(error);
  CAPTURE(result);
  CHECK(number(result, "status") == 200);
  CHECK(number(result, "frames") > 10);
  CHECK(text(result, "video_codec") == "video/H264");
  CHECK(number(result, "width") == 320);
  CHECK(text(result, "audio_codec") == "audio/PCMA");  // passed through from the camera
  auto json = stream_json(d, "cam");
  CAPTURE(json);
  CHECK(transcoding());
  CHECK(std::regex_search(json, std::regex(R"("format_name":\s*"webrtc",\s*"producer":\s*2)")));  // video from it
  CHECK(std::regex_search(json, std::regex(R"("format_name":\s*"webrtc",\s*"producer":\s*1)")));  // audio from the camera
  b.evaluate("window.pc.close(), 1", seconds(5));
  bool stopped = false;
  for (int i = 0; i < 60 && !stopped; ++i) {
    stopped = !transcoding();
    if (!stopped) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(stopped);
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("bad WebRTC requests get a clear error") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\n"};
  auto c = d.client();
  auto no_src = c.Post("/api/webrtc", "{}", "application/json");
  REQUIRE(no_src);
  CHECK(no_src->status == 400);
  auto bad_json = c.Post("/api/webrtc?src=cam", "not json", "application/json");
  REQUIRE(bad_json);
  CHECK(bad_json->status == 400);
  CHECK(bad_json->body == "webrtc: the body must be {\"type\":\"offer\",\"sdp\":...} or an SDP offer\n");
  auto missing = c.Post("/api/webrtc?src=nope", R"({"type":"offer","sdp":"v=0\r\n"})", "application/json");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  auto not_sdp = c.Post("/api/webrtc?src=cam", R"({"type":"offer","sdp":"hello"})", "application/json");
  REQUIRE(not_sdp);
  CHECK(not_sdp->status == 400);
  CHECK(not_sdp->body == "webrtc: the offer is not SDP with media\n");
  auto gone = c.Delete("/api/webrtc?id=nosuchsession");
  REQUIRE(gone);
  CHECK(gone->status == 404);
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("a config with go2rtc's stun:PORT candidate and no STUN server (as Frigate's docs write it) loads, warns, and plays") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\nwebrtc:\n  listen: \":0\"\n  candidates:\n    - stun:8555\n"};
  REQUIRE(d.api_port > 0);
  CHECK(d.process->output().find("WRN [config] webrtc.candidates: stun:8555: no STUN server") != std::string::npos);
  browser b;
  REQUIRE(on_api_page(b, d));
  std::string error;
  auto watched = b.evaluate(watch("cam", "json", 2), seconds(40), &error);
  CAPTURE(error);
  CAPTURE(watched);
  CHECK(number(watched, "status") == 200);
  CHECK(number(watched, "frames") > 0);
}

TEST_CASE("an offer this side fails to answer gets 500 with the reason, and leaves no viewer behind") {
  // The answer may only announce host candidates on webrtc.listen's address, and
  // this machine has none on 192.0.2.1 (TEST-NET-1): no candidate to answer with.
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\nwebrtc:\n  listen: \"192.0.2.1:0\"\n"};
  browser b;
  REQUIRE(on_api_page(b, d));
  std::string error;
  auto offer = b.evaluate(R"((async () => {
    const pc = new RTCPeerConnection({iceServers: []});
    pc.addTransceiver('video', {direction: 'recvonly'});
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription.sdp;
  })())", seconds(20), &error);
  CAPTURE(error);
  rapidjson::Document sdp;  // the page's value, as JSON
  sdp.Parse(offer.c_str());
  REQUIRE(sdp.IsString());
  REQUIRE(std::string{sdp.GetString()}.find("m=video") != std::string::npos);
  auto res = d.client().Post("/api/webrtc?src=cam", sdp.GetString(), "application/sdp");
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(res->body == "webrtc: no ICE candidates in time\n");
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("Chromium publishes over WHIP: ffprobe reads the stream over RTSP and MP4, Chromium plays it over WebRTC; DELETE ends it") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\n"};
  browser b;
  REQUIRE(on_api_page(b, d));
  auto published = publish_from(b, "live");
  CAPTURE(published);
  REQUIRE(number(published, "status") == 201);
  auto location = text(published, "location");
  CHECK(location.rfind("/api/webrtc?id=", 0) == 0);
  CHECK(text(published, "ice") == "connected");

  // A stream made for the publisher: its producer is the WebRTC peer, H.264 and Opus.
  std::string json;
  for (int i = 0; i < 100 && json.find("\"running\"") == std::string::npos; ++i) {
    json = stream_json(d, "live");
    std::this_thread::sleep_for(milliseconds(100));
  }
  CAPTURE(json);
  CHECK(std::regex_search(json, std::regex(R"("format_name":\s*"webrtc",\s*"protocol":\s*"whip")")));
  CHECK(json.find("\"video, recvonly, H264\"") != std::string::npos);
  CHECK(json.find("\"audio, recvonly, OPUS/48000") != std::string::npos);

  // A second publisher of the same stream is refused; the first one keeps it.
  auto again = publish_from(b, "live");
  CHECK(number(again, "status") == 409);

  // Each new viewer asks the publisher for a keyframe (a browser sends one only when
  // asked): its video sender counts our PLIs.
  auto key_requests = [&] {
    return number(b.evaluate(R"((async () => {
      let n = 0;
      (await window.pub.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') n += (s.pliCount || 0) + (s.firCount || 0);
      });
      return {n};
    })())", seconds(5)), "n");
  };
  auto asked_before = key_requests();
  CHECK(asked_before >= 0);
  auto rtsp = ffprobe_video(d.rtsp_url("live"));
  CAPTURE(rtsp.output);
  bool asked = false;
  for (int i = 0; i < 30 && !asked; ++i) {
    asked = key_requests() > asked_before;
    if (!asked) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(asked);
  CHECK(rtsp.ok);
  CHECK(rtsp.codec == "h264");
  CHECK(rtsp.width == 320);
  auto [mp4_rc, mp4] = ffprobe_count_streams(d.http_url("/api/stream.mp4?src=live&duration=2"));
  CAPTURE(mp4);
  CHECK(mp4_rc == 0);
  CHECK(mp4.find("h264,320,240") != std::string::npos);

  std::string error;
  auto watched = b.evaluate(watch("live", "json", 3), seconds(40), &error);
  CAPTURE(watched);
  CHECK(number(watched, "status") == 200);
  CHECK(number(watched, "frames") > 10);
  CHECK(text(watched, "video_codec") == "video/H264");
  CHECK(text(watched, "audio_codec") == "audio/opus");
  CHECK(number(watched, "audio_packets") > 10);
  b.evaluate("window.pc.close(), 1", seconds(5));

  // DELETE on the Location ends the publisher, and the stream made for it goes.
  auto c = d.client();
  auto del = c.Delete(location.c_str());
  REQUIRE(del);
  CHECK(del->status == 200);
  CHECK(status_once_gone(d, "live", seconds(5)) == 404);
  CHECK(read_text_file(d.config_path).find("live") == std::string::npos);  // never persisted
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("a WHIP publisher into a configured stream replaces its source while connected; when it leaves, the source is back") {
  daemon_process d{"streams:\n  cam: \"test:?size=640x480\"\n"};
  browser b;
  REQUIRE(on_api_page(b, d));
  auto published = publish_from(b, "cam");
  CAPTURE(published);
  REQUIRE(number(published, "status") == 201);
  auto rtsp = ffprobe_video(d.rtsp_url("cam"));
  CAPTURE(rtsp.output);
  CHECK(rtsp.width == 320);  // the publisher's canvas
  // The peer closes (a browser sends no BYE, but DTLS's close_notify): the publisher
  // ends within 2 s; the configured source serves the next viewer.
  b.evaluate("window.pub.close(), clearInterval(window.drawing), 1", seconds(5));
  auto json = stream_json(d, "cam");
  for (int i = 0; i < 100 && json.find("\"whip\"") != std::string::npos; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
    json = stream_json(d, "cam");
  }
  CAPTURE(json);
  CHECK(json.find("\"whip\"") == std::string::npos);
  auto after = ffprobe_video(d.rtsp_url("cam"));
  CAPTURE(after.output);
  CHECK(after.width == 640);
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("a WHIP publisher whose browser vanishes (Chromium killed, no close_notify) ends within 2 s, and the stream made for it goes") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\n"};
  browser b;
  REQUIRE(on_api_page(b, d));
  auto published = publish_from(b, "live");
  CAPTURE(published);
  REQUIRE(number(published, "status") == 201);
  // 4 s of publishing first: a healthy publisher, sending, is never taken for gone.
  std::this_thread::sleep_for(seconds(4));
  CHECK(stream_json(d, "live").find("\"whip\"") != std::string::npos);
  b.kill();
  auto killed = steady_clock::now();
  auto status = status_once_gone(d, "live", seconds(2));
  MESSAGE("a vanished publisher ended " << duration_cast<milliseconds>(steady_clock::now() - killed).count()
                                        << " ms after its browser was killed");
  CHECK(status == 404);
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("bad WHIP requests get a clear error and leave no stream behind") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\n"};
  auto c = d.client();
  auto not_sdp = c.Post("/api/webrtc?dst=pub1", "hello", "application/sdp");
  REQUIRE(not_sdp);
  CHECK(not_sdp->status == 400);
  CHECK(not_sdp->body == "webrtc: the offer is not SDP with media\n");
  auto vp8 = c.Post("/api/webrtc?dst=pub2",
                    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                    "c=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtpmap:96 VP8/90000\r\n",
                    "application/sdp");
  REQUIRE(vp8);
  CHECK(vp8->status == 400);
  CHECK(vp8->body == "webrtc: the offer sends none of H264, OPUS, PCMA, PCMU\n");
  auto bad_name = c.Post("/api/webrtc?dst=", "v=0\r\n", "application/sdp");
  REQUIRE(bad_name);
  CHECK(bad_name->status == 400);
  std::this_thread::sleep_for(milliseconds(300));
  for (auto name : {"pub1", "pub2"}) {
    auto res = c.Get((std::string{"/api/streams?src="} + name).c_str());
    REQUIRE(res);
    CHECK(res->status == 404);
  }
}

TEST_CASE("a viewer whose browser vanishes (Chromium killed, no close_notify) ends within 2 s, once its transport-wide CC feedback stops") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240&fps=25&audio=pcma\"\n"};
  browser b;
  REQUIRE(on_api_page(b, d));
  std::string error;
  // 6 s of play first: a healthy viewer, feeding back, is never taken for gone.
  auto result = b.evaluate(watch("cam", "json", 6), seconds(40), &error);
  CAPTURE(error);
  CAPTURE(result);
  REQUIRE(number(result, "frames") > 50);
  CHECK(stream_json(d, "cam").find("webrtc") != std::string::npos);
  b.kill();
  auto killed = steady_clock::now();
  // Chromium sends feedback every 50-250 ms on the video it gets: 1.2 s without any
  // while video flows means it is gone (before, 2.5 s without an RTCP report).
  while (stream_json(d, "cam").find("webrtc") != std::string::npos && steady_clock::now() - killed < seconds(2))
    std::this_thread::sleep_for(milliseconds(20));
  MESSAGE("a vanished viewer ended " << duration_cast<milliseconds>(steady_clock::now() - killed).count()
                                     << " ms after its browser was killed");
  CHECK(stream_json(d, "cam").find("webrtc") == std::string::npos);
  CHECK(consumers_gone(d, "cam"));
}

TEST_CASE("20 WebRTC viewers joining and leaving for 60 s leave no session, consumer, thread, fd or growing memory behind") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240&fps=25&audio=pcma\"\n"};
  auto pid = d.process->pid();
  browser b;
  REQUIRE(on_api_page(b, d));
  // A first viewer, so that the baseline includes the stream's own threads.
  std::string error;
  auto first = b.evaluate(churn("cam", 1, 1), seconds(60), &error);
  CAPTURE(first);
  CHECK(number(first, "played") == 1);
  CHECK(consumers_gone(d, "cam"));
  auto fds_before = open_fds(pid);
  auto threads_before = threads_of(pid);
  auto rss_before = rss_mib(pid);

  // Two rounds of 30 s: the first sets the allocator's high-water mark; a leak of
  // what a session holds (a webrtcbin is about a megabyte) would show in the second.
  std::vector<double> rss_after;
  for (int round = 0; round < 2; ++round) {
    auto result = b.evaluate(churn("cam", 20, 30), seconds(150), &error);
    CAPTURE(error);
    CAPTURE(result);
    MESSAGE("WebRTC churn, round " << round << ": " << result);
    CHECK(number(result, "sessions") >= 30);
    CHECK(number(result, "played") == number(result, "sessions"));
    CHECK(result.find("\"errors\":[]") != std::string::npos);
    CHECK(consumers_gone(d, "cam"));
    rss_after.push_back(rss_mib(pid));
  }
  MESSAGE("RSS " << rss_before << " MiB, after round 1 " << rss_after[0] << ", after round 2 " << rss_after[1]);
#ifndef __SANITIZE_ADDRESS__  // ASan's quarantine holds freed memory; its LeakSanitizer checks the daemon at exit
  CHECK(rss_after[1] - rss_after[0] < 16);
#endif

  // Each viewer ends when its peer closes; then nothing of them is left.
  CHECK(consumers_gone(d, "cam"));
  bool settled = false;
  for (int i = 0; i < 450 && !settled; ++i) {
    settled = open_fds(pid) <= fds_before + 2 && threads_of(pid) <= threads_before + 2;
    if (!settled) std::this_thread::sleep_for(milliseconds(100));
  }
  MESSAGE("fds " << fds_before << " -> " << open_fds(pid) << ", threads " << threads_before << " -> "
                 << threads_of(pid));
  CHECK(open_fds(pid) <= fds_before + 2);
  CHECK(threads_of(pid) <= threads_before + 2);
  CHECK(d.process->wait(milliseconds(0)) == -1);  // still running
}

#include "pipelines/source_launch.hpp"

#include <cstdarg>
#include <cstdio>
#include <map>

namespace sy {
namespace {

// ---- fragment table ------------------------------------------------------------
// rtspsrc: TCP interleaved by default because it crosses NAT and firewalls and never
// loses packets to UDP buffers. Over TCP nothing is reordered, so the jitterbuffer
// holds nothing back (latency=0: a relay must not add delay; go2rtc has none); over
// UDP it gets 100 ms to reorder. tcp-timeout so a dead camera is noticed.
constexpr const char* rtsp_fragment =
    "rtspsrc name=%s location=%s protocols=%s latency=%s tcp-timeout=10000000 "
    "do-retransmission=false%s";
// rtsps: cameras use self-signed certificates; go2rtc does not validate them either.
constexpr const char* rtsps_extra = " tls-validation-flags=0";
// test video: live, so timestamps follow the clock like a camera's; zerolatency
// x264 so frames leave the encoder at once; key-int-max sets the GOP a camera would;
// 4:2:0 (x264 would pick 4:4:4, High 4:4:4, which browsers do not decode); out in
// avc/hvc1 form, as the RTSP depayloaders give it, so the caps carry the parameter sets.
constexpr const char* test_video_fragment =
    "videotestsrc is-live=true pattern=%s ! video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1 "
    "! %s ! %s name=out0";
// The encoders of the test pattern (ultrafast: a demo must not eat the CPU).
const std::map<std::string, std::pair<const char*, const char*>> test_encoders{
    {"h264", {"x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%u bitrate=%u",
              "h264parse ! capsfilter caps=video/x-h264,stream-format=avc,alignment=au"}},
    {"h265", {"x265enc tune=zerolatency speed-preset=ultrafast key-int-max=%u bitrate=%u",
              "h265parse ! capsfilter caps=video/x-h265,stream-format=hvc1,alignment=au"}},
};
// test audio: a tone encoded like a camera's microphone would be.
const std::map<std::string, const char*> test_audio_fragments{
    {"opus", "audiotestsrc is-live=true wave=sine volume=0.2 ! audio/x-raw,rate=48000,channels=1 ! opusenc ! opusparse name=out1"},
    {"aac", "audiotestsrc is-live=true wave=sine volume=0.2 ! audio/x-raw,rate=16000,channels=1 ! avenc_aac ! aacparse name=out1"},
    {"pcmu", "audiotestsrc is-live=true wave=sine volume=0.2 ! audio/x-raw,rate=8000,channels=1 ! mulawenc name=out1"},
    {"pcma", "audiotestsrc is-live=true wave=sine volume=0.2 ! audio/x-raw,rate=8000,channels=1 ! alawenc name=out1"},
};
const std::map<std::string, const char*> test_patterns{
    {"smpte", "smpte"}, {"ball", "ball"}, {"snow", "snow"}, {"black", "black"},
    {"colors", "colors"}, {"bars", "smpte100"}, {"gradient", "gamut"}};

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string get(const std::map<std::string, std::string>& m, const char* key, const char* fallback) {
  auto it = m.find(key);
  return it == m.end() ? fallback : it->second;
}

}  // namespace

launch_result test_launch(const source_spec& spec) {
  unsigned width = 640, height = 360, fps = 25;
  auto size = get(spec.query, "size", "640x360");
  auto x = size.find('x');
  if (x == std::string::npos || !parse_bounded_uint(size.substr(0, x), 16, 7680, width) ||
      !parse_bounded_uint(size.substr(x + 1), 16, 4320, height))
    return {{}, "test: size must be WIDTHxHEIGHT"};
  if (!parse_bounded_uint(get(spec.query, "fps", "25"), 1, 120, fps)) return {{}, "test: fps must be 1..120"};
  unsigned gop = 2 * fps;
  if (!parse_bounded_uint(get(spec.query, "gop", std::to_string(gop).c_str()), 1, 1000, gop))
    return {{}, "test: gop must be 1..1000 frames"};
  unsigned kbps = 0;
  if (!parse_bounded_uint(get(spec.query, "bitrate", std::to_string(width * height / 300).c_str()), 16, 100000, kbps))
    return {{}, "test: bitrate must be 16..100000 kbit/s"};
  auto enc = test_encoders.find(get(spec.query, "codec", "h264"));
  if (enc == test_encoders.end()) return {{}, "test: codec must be h264 or h265"};
  auto pattern = test_patterns.find(get(spec.query, "pattern", "smpte"));
  if (pattern == test_patterns.end()) return {{}, "test: unknown pattern"};
  auto encoder = format(enc->second.first, gop, kbps);
  auto text = format(test_video_fragment, pattern->second, width, height, fps, encoder.c_str(),
                     enc->second.second);
  auto audio = get(spec.query, "audio", "");
  if (!audio.empty()) {
    auto a = test_audio_fragments.find(audio);
    if (a == test_audio_fragments.end()) return {{}, "test: audio must be opus, aac, pcmu or pcma"};
    text += std::string{"  "} + a->second;
  }
  return {text, {}};
}

launch_result rtspsrc_launch(const source_spec& spec, const char* name) {
  auto transport = get(spec.options, "transport", "tcp");
  if (transport != "tcp" && transport != "udp") return {{}, "rtsp: #transport must be tcp or udp"};
  auto extra = spec.scheme == "rtsps" ? rtsps_extra : "";
  auto latency = transport == "tcp" ? "0" : "100";
  return {format(rtsp_fragment, name, quote_launch_value(spec.url).c_str(), transport.c_str(), latency, extra), {}};
}

launch_result rtsp_launch(const source_spec& spec) { return rtspsrc_launch(spec, "out0"); }

launch_result gst_launch(const source_spec& spec) {
  auto text = spec.url.substr(spec.url.find(':') + 1);
  if (text.find("name=out0") == std::string::npos) return {{}, "gst: the pipeline must name its output out0"};
  return {text, {}};
}

bool parse_bounded_uint(const std::string& s, unsigned lo, unsigned hi, unsigned& out) {
  if (s.empty() || s.size() > 6) return false;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + unsigned(c - '0');
  }
  if (v < lo || v > hi) return false;
  out = v;
  return true;
}

std::string quote_launch_value(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace sy

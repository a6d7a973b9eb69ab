// Time to first frame and latency behind live of the HTTP outputs, one Switchyard run.
// A reader in this process takes the camera's RTSP directly (the live reference);
// clients of MSE (/api/ws), stream.mp4 and HLS (TS and fMP4, a client that takes
// each segment as soon as the playlist lists it: a player adds its own buffer) take
// the same stream through Switchyard. Codecs pass through untouched, so each H.264
// access unit is identified by a hash of its last bytes; latency is the arrival-time
// difference of the same unit. MJPEG frames are encoded anew, so they are matched by
// picture instead: the camera's bars scroll 8 pixels a frame, both the direct reader
// and an MJPEG client decode to 160x90 grey thumbnails, and each JPEG is matched to
// the direct frame it differs least from (both sides pay a decode).
//   http_latency_bench [window seconds]   (default 8; the camera's clip loops every 10 s)
#include <gst/gst.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "bench/appsink_reader.hpp"
#include "bench/bench_util.hpp"
#include "bench/restream_camera.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/ws_client.hpp"

using namespace std::chrono;

namespace {

uint64_t tail_hash(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = size > 64 ? size - 64 : 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

// The direct reader's arrivals: unit hash -> monotonic us of each arrival (the clip
// loops, so a unit comes back every 10 s).
struct live_clock {
  std::mutex mutex;
  std::map<uint64_t, std::vector<int64_t>> at;
  // ms from the nearest direct arrival of the unit to `when_us` (negative: the client
  // was first); NaN if the reader never had it.
  double behind_ms(uint64_t h, int64_t when_us) {
    std::lock_guard<std::mutex> lock{mutex};
    auto it = at.find(h);
    if (it == at.end()) return std::numeric_limits<double>::quiet_NaN();
    int64_t best = it->second.front();
    for (auto t : it->second)
      if (std::llabs(when_us - t) < std::llabs(when_us - best)) best = t;
    return double(when_us - best) / 1000.0;
  }
};

GstElement* direct_reader(const std::string& url, live_clock& clock) {
  return sy::bench::appsink_reader(
      "rtspsrc location=" + url + " protocols=tcp latency=0 ! rtph264depay ! video/x-h264,alignment=au ! h264parse ! "
      "video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false",
      [&clock](GstBuffer* buf, int64_t now) {
        GstMapInfo map;
        if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return;
        std::lock_guard<std::mutex> lock{clock.mutex};
        clock.at[tail_hash(map.data, map.size)].push_back(now);
        gst_buffer_unmap(buf, &map);
      });
}

// What one client saw: its units (hash, monotonic us) and when it asked.
struct seen {
  int64_t t0 = g_get_monotonic_time();
  std::vector<std::pair<uint64_t, int64_t>> units;
  void unit(live_clock&, const uint8_t* data, size_t size) {
    units.emplace_back(tail_hash(data, size), g_get_monotonic_time());
  }
};

uint32_t be32(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
         uint8_t(s[at + 3]);
}

// Takes the complete top-level boxes off the front of `buf`, reporting each mdat's payload.
void mp4_boxes(std::string& buf, const std::function<void(const uint8_t*, size_t)>& mdat) {
  size_t at = 0;
  while (buf.size() - at >= 8) {
    size_t size = be32(buf, at);
    if (size < 8 || buf.size() - at < size) break;
    if (buf.compare(at + 4, 4, "mdat") == 0) mdat(reinterpret_cast<const uint8_t*>(buf.data()) + at + 8, size - 8);
    at += size;
  }
  buf.erase(0, at);
}

// Each PES of the first video PID (0x100) in a TS segment.
void ts_units(const std::string& ts, const std::function<void(const uint8_t*, size_t)>& pes_payload) {
  std::string pes;
  auto flush = [&] {
    if (pes.size() > 9) {
      size_t header = 9 + uint8_t(pes[8]);
      if (pes.size() > header) pes_payload(reinterpret_cast<const uint8_t*>(pes.data()) + header, pes.size() - header);
    }
    pes.clear();
  };
  for (size_t at = 0; at + 188 <= ts.size(); at += 188) {
    auto* p = reinterpret_cast<const uint8_t*>(ts.data()) + at;
    if (((p[1] & 0x1F) << 8 | p[2]) != 0x100) continue;
    size_t start = 4 + ((p[3] & 0x20) ? 1 + p[4] : 0);
    if (p[1] & 0x40) flush();
    if (start < 188) pes.append(reinterpret_cast<const char*>(p) + start, 188 - start);
  }
  flush();
}

// Decoded pictures as 160x90 grey thumbnails, with their arrival (monotonic us).
struct thumbnails {
  static constexpr size_t size = 160 * 90;
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::vector<uint8_t>>> frames;
};

GstElement* thumbnail_reader(const std::string& decoded, thumbnails& out) {
  return sy::bench::appsink_reader(
      decoded + " ! videoconvert ! videoscale ! video/x-raw,format=GRAY8,width=160,height=90 ! appsink name=sink sync=false",
      [&out](GstBuffer* buf, int64_t now) {
        GstMapInfo map;
        if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return;
        if (map.size >= thumbnails::size) {
          std::lock_guard<std::mutex> lock{out.mutex};
          out.frames.emplace_back(now, std::vector<uint8_t>(map.data, map.data + thumbnails::size));
        }
        gst_buffer_unmap(buf, &map);
      });
}

// ms each JPEG came after the direct frame it matches best (within the 2 s before it).
std::vector<double> mjpeg_behind(thumbnails& direct, thumbnails& mjpeg) {
  std::lock_guard<std::mutex> a{direct.mutex};
  std::lock_guard<std::mutex> b{mjpeg.mutex};
  std::vector<double> out;
  for (auto& [t, pic] : mjpeg.frames) {
    long best = -1;
    int64_t best_t = 0;
    for (auto& [td, ref] : direct.frames) {
      if (td < t - 2000000 || td > t + 200000) continue;
      long sad = 0;
      for (size_t i = 0; i < thumbnails::size; ++i) sad += std::labs(long(pic[i]) - long(ref[i]));
      if (best < 0 || sad < best) best = sad, best_t = td;
    }
    if (best >= 0) out.push_back(double(t - best_t) / 1000.0);
  }
  return out;
}

seen read_mp4(int port, live_clock& clock, int window) {
  seen s;
  httplib::Client c{"127.0.0.1", port};
  c.set_read_timeout(10, 0);
  std::string buf;
  auto until = steady_clock::now() + seconds(window);
  c.Get("/api/stream.mp4?src=cam", [&](const char* d, size_t n) {
    buf.append(d, n);
    mp4_boxes(buf, [&](const uint8_t* u, size_t size) { s.unit(clock, u, size); });
    return steady_clock::now() < until;
  });
  return s;
}

seen read_mse(int port, live_clock& clock, int window) {
  seen s;
  sy::test::ws_client ws{port, "/api/ws?src=cam"};
  ws.send_text(R"({"type":"mse","value":"avc1.640029,mp4a.40.2"})");
  std::string buf;
  auto until = steady_clock::now() + seconds(window);
  while (steady_clock::now() < until) {
    auto f = ws.next(milliseconds(2000));
    if (f.opcode == 0) break;
    if (f.opcode != 2) continue;
    buf += f.payload;
    mp4_boxes(buf, [&](const uint8_t* u, size_t size) { s.unit(clock, u, size); });
  }
  return s;
}

seen read_hls(int port, live_clock& clock, int window, bool mp4) {
  seen s;
  httplib::Client c{"127.0.0.1", port};
  c.set_read_timeout(10, 0);
  auto master = c.Get(mp4 ? "/api/stream.m3u8?src=cam&mp4" : "/api/stream.m3u8?src=cam");
  std::smatch m;
  if (!master || !std::regex_search(master->body, m, std::regex(R"(hls/playlist\.m3u8\?id=([A-Za-z0-9]+))"))) return s;
  auto id = m[1].str();
  std::set<std::string> taken;
  auto until = steady_clock::now() + seconds(window);
  while (steady_clock::now() < until) {
    auto list = c.Get(("/api/hls/playlist.m3u8?id=" + id).c_str());
    if (!list || list->status != 200) break;
    std::string body = list->body;
    static const std::regex entry(R"((segment\.(ts|m4s)\?id=[A-Za-z0-9]+&n=\d+))");
    for (std::sregex_iterator it(body.begin(), body.end(), entry), end; it != end; ++it) {
      auto uri = (*it)[1].str();
      if (!taken.insert(uri).second) continue;
      auto seg = c.Get(("/api/hls/" + uri).c_str());
      if (!seg || seg->status != 200) continue;
      auto unit = [&](const uint8_t* u, size_t size) { s.unit(clock, u, size); };
      if (mp4) {
        std::string b = seg->body;
        mp4_boxes(b, unit);
      } else {
        ts_units(seg->body, unit);
      }
    }
  }
  return s;
}

double mjpeg_first_frame(int port) {
  httplib::Client c{"127.0.0.1", port};
  c.set_read_timeout(10, 0);
  auto t0 = steady_clock::now();
  double at = -1;
  std::string buf;
  c.Get("/api/stream.mjpeg?src=cam", [&](const char* d, size_t n) {
    buf.append(d, n);
    if (buf.find("\xFF\xD9") == std::string::npos) return true;  // the first JPEG's end
    at = duration<double>(steady_clock::now() - t0).count();
    return false;
  });
  return at;
}

void report(const char* what, const std::vector<seen>& runs, live_clock& clock) {
  std::vector<double> first, behind;
  for (auto& r : runs) {
    std::vector<double> ms;  // per matched video unit (audio never matches)
    for (auto& [h, at] : r.units) {
      auto b = clock.behind_ms(h, at);
      if (std::isnan(b)) continue;
      if (ms.empty()) first.push_back(double(at - r.t0) / 1e6);
      ms.push_back(b);
    }
    // Behind live once playing: the cached GOP a client starts with is older by design.
    for (size_t i = ms.size() / 2; i < ms.size(); ++i) behind.push_back(ms[i]);
  }
  std::printf("%-22s first frame median %.3f s (of %zu joins); behind live: median %.1f ms, p90 %.1f ms (%zu units)\n",
              what, sy::bench::percentile(first, 50), first.size(), sy::bench::percentile(behind, 50),
              sy::bench::percentile(behind, 90), behind.size());
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int window = argc > 1 ? std::atoi(argv[1]) : 8;
  sy::bench::restream_camera camera{"scroll"};
  if (camera.url.empty()) return std::printf("http_latency: cannot start the camera\n"), 1;
  sy::test::daemon_process d{"streams:\n  cam: \"" + camera.url + "\"\npreload:\n  cam: \"video\"\n"};
  std::this_thread::sleep_for(seconds(3));
  live_clock clock;
  auto* direct = direct_reader(camera.url, clock);
  gst_element_set_state(direct, GST_STATE_PLAYING);
  std::this_thread::sleep_for(seconds(3));
  int port = d.api_port;
  std::vector<seen> mse, mp4, hls_ts, hls_mp4;
  std::vector<double> mjpeg;
  for (int i = 0; i < 3; ++i) {
    mse.push_back(read_mse(port, clock, window));
    mp4.push_back(read_mp4(port, clock, window));
    hls_ts.push_back(read_hls(port, clock, window, false));
    hls_mp4.push_back(read_hls(port, clock, window, true));
    mjpeg.push_back(mjpeg_first_frame(port));
  }
  std::printf("camera: 1280x720 25 fps H.264, 2 s GOP; %d s per client, 3 joins per mode, loopback\n", window);
  report("MSE (/api/ws)", mse, clock);
  report("stream.mp4", mp4, clock);
  report("HLS TS (segments)", hls_ts, clock);
  report("HLS fMP4 (segments)", hls_mp4, clock);
  // MJPEG, matched by picture.
  thumbnails direct_pictures, jpeg_pictures;
  auto* decoded = thumbnail_reader("rtspsrc location=" + camera.url + " protocols=tcp latency=0 ! rtph264depay ! "
                                   "avdec_h264", direct_pictures);
  auto* jpegs = thumbnail_reader("souphttpsrc is-live=true location=http://127.0.0.1:" + std::to_string(port) +
                                     "/api/stream.mjpeg?src=cam ! multipartdemux ! jpegdec",
                                 jpeg_pictures);
  gst_element_set_state(decoded, GST_STATE_PLAYING);
  std::this_thread::sleep_for(seconds(2));
  gst_element_set_state(jpegs, GST_STATE_PLAYING);
  std::this_thread::sleep_for(seconds(window));
  gst_element_set_state(jpegs, GST_STATE_NULL);
  gst_element_set_state(decoded, GST_STATE_NULL);
  auto behind = mjpeg_behind(direct_pictures, jpeg_pictures);
  std::vector<double> settled(behind.begin() + long(behind.size() / 2), behind.end());
  std::printf("%-22s first frame median %.3f s (the stream's decoder and JPEG encoder start); behind live: median "
              "%.1f ms, p90 %.1f ms (%zu JPEGs, %.1f per second)\n",
              "MJPEG", sy::bench::percentile(mjpeg, 50), sy::bench::percentile(settled, 50),
              sy::bench::percentile(settled, 90), settled.size(), double(behind.size()) / window);
  gst_object_unref(decoded);
  gst_object_unref(jpegs);
  gst_element_set_state(direct, GST_STATE_NULL);
  gst_object_unref(direct);
  return 0;
}

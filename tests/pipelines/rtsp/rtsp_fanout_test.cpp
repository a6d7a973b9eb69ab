// The RTSP output's data plane without a daemon: a hub fed with real H.264 access
// units, an rtsp_fanout, and rtsp_viewers writing to socket pairs that the test
// reads (or does not). And the native RTSP reader against the fake camera.
#include <doctest/doctest.h>
#include <gst/app/gstappsink.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "pipelines/hub/rtsp_reader.hpp"
#include "pipelines/parse.hpp"
#include "pipelines/rtsp/rtsp_fanout.hpp"
#include "tests/support/fake_camera.hpp"
#include "tests/support/rtsp_raw_client.hpp"

using namespace sy;

namespace {

// `frames` H.264 access units (byte-stream, AU-aligned) of a `gop`-frame GOP, and their caps.
struct encoded {
  GstCaps* caps = nullptr;
  std::vector<GstBuffer*> units;
  ~encoded() {
    for (auto* b : units) gst_buffer_unref(b);
    if (caps) gst_caps_unref(caps);
  }
};

void encode(encoded& out, int frames, int gop, const char* pattern, int kbps) {
  auto text = "videotestsrc num-buffers=" + std::to_string(frames) + " pattern=" + pattern +
              " ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc tune=zerolatency speed-preset=ultrafast "
              "key-int-max=" + std::to_string(gop) + " bitrate=" + std::to_string(kbps) +
              " ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=out sync=false";
  auto parsed = parse_launch(text);
  REQUIRE(parsed.element);
  auto* sink = gst_bin_get_by_name(GST_BIN(parsed.element), "out");
  gst_element_set_state(parsed.element, GST_STATE_PLAYING);
  while (auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
    if (!out.caps) out.caps = gst_caps_ref(gst_sample_get_caps(sample));
    out.units.push_back(gst_buffer_ref(gst_sample_get_buffer(sample)));
    gst_sample_unref(sample);
  }
  gst_element_set_state(parsed.element, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(parsed.element);
  REQUIRE(out.units.size() == size_t(frames));
}

// One end of a socket pair, a viewer writing into the other end.
struct viewer_end {
  int fds[2] = {-1, -1};
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::shared_ptr<rtsp_viewer> viewer;
  explicit viewer_end(int sndbuf = 0) {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    if (sndbuf) ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    viewer = std::make_shared<rtsp_viewer>(fds[0], wake);
    viewer->set_tcp_track(0, 0);
  }
  ~viewer_end() {
    viewer.reset();
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(wake);
  }
  struct packet {
    uint16_t seq;
    uint32_t ts;
    bool idr;
  };
  // Everything readable now, as interleaved packets.
  std::vector<packet> read_packets() {
    viewer->flush();
    std::string bytes;
    char buf[65536];
    while (true) {
      auto n = ::recv(fds[1], buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) {
        if (!viewer->has_pending()) break;
        viewer->flush();
        continue;
      }
      bytes.append(buf, size_t(n));
    }
    std::vector<packet> out;
    size_t at = 0;
    while (at + 4 <= bytes.size()) {
      REQUIRE(bytes[at] == '$');  // the framing is intact
      size_t size = (size_t(uint8_t(bytes[at + 2])) << 8) | uint8_t(bytes[at + 3]);
      REQUIRE(at + 4 + size <= bytes.size());
      auto* d = reinterpret_cast<const uint8_t*>(bytes.data() + at + 4);
      out.push_back({uint16_t((d[2] << 8) | d[3]), (uint32_t(d[4]) << 24) | (uint32_t(d[5]) << 16) | (uint32_t(d[6]) << 8) | d[7],
                     test::rtp_h264_has_idr(d, size)});
      at += 4 + size;
    }
    CHECK(at == bytes.size());
    return out;
  }
};

struct watched_stream {
  hub_ptr hub = std::make_shared<track_hub>();
  std::atomic<int> released{0};
  std::shared_ptr<rtsp_fanout> fanout;
  int track = -1;
  explicit watched_stream(const encoded& e) {
    hub->begin_epoch();
    track = hub->add_track(e.caps);
    std::string error;
    fanout = rtsp_fanout::open(opened_stream{hub, [this] { ++released; }, {}, false}, error);
    REQUIRE_MESSAGE(bool(fanout), error);
  }
  void push(GstBuffer* unit, int index) {
    auto* b = gst_buffer_copy(unit);
    GST_BUFFER_PTS(b) = GST_BUFFER_DTS(b) = GstClockTime(index) * 40 * GST_MSECOND;
    hub->push(track, b);
  }
};

}  // namespace

TEST_CASE("a viewer joining a watched stream gets the packets from the last keyframe at once, then live") {
  encoded e;
  encode(e, 40, 10, "ball", 500);
  watched_stream s{e};
  viewer_end early, joiner;
  s.fanout->play(early.viewer);
  for (int i = 0; i < 15; ++i) s.push(e.units[size_t(i)], i);  // keyframes at 0 and 10
  auto sdp = s.fanout->sdp();
  CAPTURE(sdp);
  CHECK(sdp.find("m=video 0 RTP/AVP 96") != std::string::npos);
  CHECK(sdp.find("a=rtpmap:96 H264/90000") != std::string::npos);
  CHECK(sdp.find("sprop-parameter-sets=") != std::string::npos);
  CHECK(sdp.find("a=control:trackID=0") != std::string::npos);
  s.fanout->play(joiner.viewer);
  s.push(e.units[15], 15);  // the joiner's burst leaves with the next unit, on the source's thread
  auto joined = joiner.read_packets();
  REQUIRE_FALSE(joined.empty());
  CHECK(joined.front().idr);  // starts on the keyframe of frame 10
  auto early_got = early.read_packets();
  // The joiner got the tail of what the early viewer got, from that keyframe on: the
  // same packets with the same timestamps, numbered without a gap into live.
  REQUIRE(early_got.size() > joined.size());
  auto tail = early_got.end() - long(joined.size());
  for (size_t i = 0; i < joined.size(); ++i, ++tail) {
    CHECK(joined[i].ts == tail->ts);
    CHECK(joined[i].idr == tail->idr);
    if (i) CHECK(joined[i].seq == uint16_t(joined[i - 1].seq + 1));
  }
  for (int i = 16; i < 40; ++i) s.push(e.units[size_t(i)], i);
  auto live = joiner.read_packets();
  REQUIRE_FALSE(live.empty());
  CHECK(live.front().seq == uint16_t(joined.back().seq + 1));
  s.fanout->stop(early.viewer.get());
  s.fanout->stop(joiner.viewer.get());
  s.fanout.reset();
  CHECK(s.released == 1);  // the last user of the output released the stream
}

TEST_CASE("a viewer that stops reading loses its queue and resumes on a keyframe; the other gets everything") {
  encoded e;
  encode(e, 300, 25, "snow", 8000);  // noise: large frames, ~1 MB a second
  watched_stream s{e};
  viewer_end fast, slow{4096};
  s.fanout->play(fast.viewer);
  s.fanout->play(slow.viewer);
  size_t fast_packets = 0;
  for (int i = 0; i < 300; ++i) {
    s.push(e.units[size_t(i)], i);
    fast_packets += fast.read_packets().size();  // the fast one keeps up
  }
  CHECK(slow.viewer->skips() > 0);
  auto slow_got = slow.read_packets();  // framing intact (checked inside)
  CHECK(slow_got.size() < fast_packets);
  // Wherever the slow viewer lost packets, what follows the gap starts a keyframe.
  int gaps = 0;
  for (size_t i = 1; i < slow_got.size(); ++i)
    if (slow_got[i].seq != uint16_t(slow_got[i - 1].seq + 1)) {
      ++gaps;
      bool idr_soon = false;  // within the first few packets (SPS/PPS come first)
      for (size_t j = i; j < slow_got.size() && j < i + 4; ++j) idr_soon = idr_soon || slow_got[j].idr;
      CHECK(idr_soon);
    }
  CHECK(gaps > 0);
  CHECK(fast_packets == fast.viewer->packets_sent());
}

TEST_CASE("viewers come and go while the source pushes, and the stream's end closes them") {
  encoded e;
  encode(e, 100, 10, "ball", 500);
  watched_stream s{e};
  std::atomic<bool> stop{false};
  std::thread source([&] {
    for (int i = 0; !stop; i = (i + 1) % 100) {
      s.push(e.units[size_t(i)], i);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  for (int round = 0; round < 50; ++round) {
    viewer_end v;
    s.fanout->play(v.viewer);
    v.read_packets();
    s.fanout->stop(v.viewer.get());
  }
  viewer_end last;
  s.fanout->play(last.viewer);
  stop = true;
  source.join();
  s.hub->close();  // the stream is deleted
  CHECK(s.fanout->ended());
  char c;
  CHECK(::recv(last.fds[0], &c, 1, MSG_DONTWAIT) == 0);  // its connection was shut down
}

TEST_CASE("the native RTSP reader logs into a camera (Digest), fills the hub with video and audio, and stops at once") {
  test::camera_options opts;
  opts.username = "admin";
  opts.password = "s3cret";
  opts.audio = "opus";  // not AAC: FFmpeg's encoder threads are invisible to TSan, which runs this suite
  test::fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  auto hub = std::make_shared<track_hub>();
  std::atomic<int> ready{0}, errors{0};
  {
    rtsp_reader reader{cam.url(), hub, [&](source_event ev) {
                         if (ev.kind == source_event::tracks_ready) ++ready;
                         if (ev.kind == source_event::error) ++errors;
                       }};
    for (int i = 0; i < 100 && !ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(ready == 1);
    auto tracks = hub->tracks();
    REQUIRE(tracks.size() == 2);
    CHECK(tracks[0].codec == "H264");
    CHECK(tracks[1].codec == "OPUS");
    auto seen = hub->last_buffer_us();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(hub->last_buffer_us() > seen);
  }  // the destructor stops and joins the reader thread
  CHECK(errors == 0);
  auto wrong = "rtsp://admin:nope@" + cam.url().substr(cam.url().find('@') + 1);
  std::atomic<int> refused{0};
  rtsp_reader bad{wrong, std::make_shared<track_hub>(), [&](source_event ev) {
                    if (ev.kind == source_event::error && ev.text.find("401") != std::string::npos) ++refused;
                  }};
  for (int i = 0; i < 100 && !refused; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(refused == 1);
}

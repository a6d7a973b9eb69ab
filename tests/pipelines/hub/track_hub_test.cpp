// The data plane without a daemon: a track hub fed by hand, read by recording sinks,
// real appsrcs and another hub.
#include <doctest/doctest.h>
#include <gst/app/gstappsrc.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/hub/hub_relay.hpp"
#include "pipelines/hub/track_hub.hpp"

using namespace sy;

namespace {

constexpr GstClockTime ms = GST_MSECOND;

struct received {
  int track;
  GstClockTime pts;
  GstClockTime dts;
  bool keyframe;
};

// Records what the hub hands it. `tracks` lists what it wants (empty: everything).
struct recording_sink final : hub_sink {
  std::vector<int> tracks;
  GstClockTime clock = GST_CLOCK_TIME_NONE;
  std::vector<received> got;
  int caps_set = 0;
  int ended = 0;

  bool wants(int track) const override {
    return tracks.empty() || std::find(tracks.begin(), tracks.end(), track) != tracks.end();
  }
  void set_caps(int, GstCaps*) override { ++caps_set; }
  void push(int track, GstBuffer* b) override {
    got.push_back({track, GST_BUFFER_PTS(b), GST_BUFFER_DTS(b), !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT)});
    gst_buffer_unref(b);
  }
  void end() override { ++ended; }
  GstClockTime running_time(int) const override { return clock; }
};

GstCaps* caps(const char* text) { return gst_caps_from_string(text); }

// A video frame (keyframe or delta) or an audio frame at `pts`.
GstBuffer* frame(GstClockTime pts, bool keyframe = false) {
  auto* b = gst_buffer_new_allocate(nullptr, 100, nullptr);
  GST_BUFFER_PTS(b) = pts;
  GST_BUFFER_DTS(b) = pts;
  if (!keyframe) GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
  return b;
}

// A hub with a video track (index 0) and an audio track (index 1).
struct av_hub {
  hub_ptr hub = std::make_shared<track_hub>();
  int video = -1, audio = -1;
  av_hub() {
    hub->begin_epoch();
    auto* v = caps("video/x-h264,stream-format=byte-stream,alignment=au");
    auto* a = caps("audio/x-opus,rate=48000,channels=2");
    video = hub->add_track(v);
    audio = hub->add_track(a);
    gst_caps_unref(v);
    gst_caps_unref(a);
  }
  // One GOP of `frames` video frames from `start`, 40 ms apart, with an audio frame after each.
  void gop(GstClockTime start, int frames) {
    for (int i = 0; i < frames; ++i) {
      hub->push(video, frame(start + GstClockTime(i) * 40 * ms, i == 0));
      hub->push(audio, frame(start + GstClockTime(i) * 40 * ms + ms, true));
    }
  }
};

int count(const std::vector<received>& got, int track) {
  return int(std::count_if(got.begin(), got.end(), [track](const received& r) { return r.track == track; }));
}

}  // namespace

TEST_CASE("every subscriber gets every buffer of the tracks it wants, and nothing after it leaves") {
  av_hub h;
  auto both = std::make_shared<recording_sink>();
  auto audio_only = std::make_shared<recording_sink>();
  audio_only->tracks = {h.audio};
  auto a = h.hub->subscribe(consumer_kind::test, both);
  h.hub->subscribe(consumer_kind::test, audio_only);
  CHECK(both->caps_set == 2);
  CHECK(audio_only->caps_set == 1);
  h.gop(0, 10);
  CHECK(count(both->got, h.video) == 10);
  CHECK(count(both->got, h.audio) == 10);
  CHECK(count(audio_only->got, h.video) == 0);
  CHECK(count(audio_only->got, h.audio) == 10);
  CHECK(h.hub->consumers().size() == 2);

  h.hub->unsubscribe(a);
  h.gop(400 * ms, 5);
  CHECK(both->got.size() == 20);
  CHECK(count(audio_only->got, h.audio) == 15);
  CHECK(h.hub->consumers().size() == 1);

  h.hub->close();
  CHECK(audio_only->ended == 1);
  CHECK(both->ended == 0);
  CHECK(h.hub->subscribe(consumer_kind::test, std::make_shared<recording_sink>()) == 0);
}

TEST_CASE("a new subscriber starts on the cached GOP's keyframe, then gets live media") {
  av_hub h;
  h.gop(0, 50);
  h.gop(2000 * ms, 20);  // the current GOP: a keyframe and 19 deltas
  auto late = std::make_shared<recording_sink>();
  late->tracks = {h.video};
  h.hub->subscribe(consumer_kind::test, late);
  REQUIRE(late->got.size() == 20);
  CHECK(late->got.front().keyframe);
  CHECK(std::count_if(late->got.begin(), late->got.end(), [](const received& r) { return r.keyframe; }) == 1);
  h.hub->push(h.video, frame(2800 * ms));
  CHECK(late->got.size() == 21);
}

TEST_CASE("a source that makes keyframes on request is asked when a subscriber joins, at most once a second") {
  av_hub h;
  int asked = 0;
  h.hub->subscribe(consumer_kind::test, std::make_shared<recording_sink>());
  h.hub->set_keyframe_request([&] { ++asked; });
  h.hub->subscribe(consumer_kind::test, std::make_shared<recording_sink>());
  CHECK(asked == 1);
  h.hub->subscribe(consumer_kind::test, std::make_shared<recording_sink>());  // within the second
  CHECK(asked == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  h.hub->subscribe(consumer_kind::test, std::make_shared<recording_sink>());
  CHECK(asked == 2);
  h.hub->set_keyframe_request({});  // the source left
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  h.hub->subscribe(consumer_kind::test, std::make_shared<recording_sink>());
  CHECK(asked == 2);
}

TEST_CASE("timestamps are rebased onto the subscriber's clock and decode times only increase") {
  av_hub h;
  h.gop(100000 * ms, 10);  // source time 100 s
  auto viewer = std::make_shared<recording_sink>();
  viewer->tracks = {h.video};
  viewer->clock = 5000 * ms;  // the viewer's pipeline has run 5 s
  h.hub->subscribe(consumer_kind::test, viewer);
  REQUIRE(viewer->got.size() == 10);
  // The newest cached frame lands near the viewer's now; older ones before it, in order.
  auto newest = viewer->got.back().pts;
  CHECK(newest <= 5000 * ms);
  CHECK(newest > 4000 * ms);
  for (size_t i = 1; i < viewer->got.size(); ++i) CHECK(viewer->got[i].dts > viewer->got[i - 1].dts);
  // Live media keeps the source's spacing.
  h.hub->push(h.video, frame(100400 * ms));
  CHECK(viewer->got.back().pts - newest == 40 * ms);

  // A sink without a clock (another hub) keeps the source's time.
  auto clockless = std::make_shared<recording_sink>();
  clockless->tracks = {h.video};
  h.hub->subscribe(consumer_kind::relay, clockless);
  h.hub->push(h.video, frame(100440 * ms));
  CHECK(clockless->got.back().pts == 100440 * ms);
}

TEST_CASE("after a source restart each subscriber's timestamps continue forward on the same tracks") {
  av_hub h;
  auto viewer = std::make_shared<recording_sink>();
  viewer->tracks = {h.video};
  h.hub->subscribe(consumer_kind::test, viewer);
  h.gop(100000 * ms, 10);
  auto before = viewer->got.back().dts;
  h.hub->begin_epoch();  // the camera reconnects; its clock starts again at 0
  auto* v = caps("video/x-h264,stream-format=byte-stream,alignment=au");
  CHECK(h.hub->add_track(v) == h.video);
  gst_caps_unref(v);
  h.hub->push(h.video, frame(0, true));
  h.hub->push(h.video, frame(40 * ms));
  CHECK(viewer->got.back().dts > before);
  CHECK(viewer->got[viewer->got.size() - 2].dts > before);
}

TEST_CASE("a consumer that does not read makes its own appsrc drop data, and the hub never waits for it") {
  av_hub h;
  // A sink that syncs on buffers an hour ahead: its streaming thread blocks on the first one.
  auto* pipeline = gst_parse_launch(
      "appsrc name=in format=time is-live=true max-buffers=5 leaky-type=downstream ! fakesink sync=true", nullptr);
  REQUIRE(pipeline);
  auto* in = gst_bin_get_by_name(GST_BIN(pipeline), "in");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  auto stuck = std::make_shared<recording_sink>();  // a second consumer that reads everything
  h.hub->subscribe(consumer_kind::test, make_appsrc_sink({in, nullptr}));
  h.hub->subscribe(consumer_kind::test, stuck);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) h.hub->push(h.video, frame(3600000 * ms + GstClockTime(i) * 40 * ms, i == 0));
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(count(stuck->got, h.video) == 500);  // the other consumer got everything
  guint64 queued = 0;
  g_object_get(in, "current-level-buffers", &queued, nullptr);
  CHECK(queued <= 5);
  CHECK(took < std::chrono::seconds(10));  // not a speed check: a blocked push would never return
  h.hub->close();
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(in);
  gst_object_unref(pipeline);
}

TEST_CASE("a relay feeds another hub: its subscribers get the upstream's tracks, and its end is reported") {
  av_hub up;
  up.gop(0, 10);
  auto down = std::make_shared<track_hub>();
  down->begin_epoch();
  std::atomic<int> ended{0};
  auto id = up.hub->subscribe(consumer_kind::relay, std::make_shared<hub_relay>(down, [&] { ++ended; }));
  REQUIRE(id != 0);
  CHECK(down->caps_names() == std::vector<std::string>{"video/x-h264", "audio/x-opus"});
  auto viewer = std::make_shared<recording_sink>();
  down->subscribe(consumer_kind::test, viewer);
  CHECK(viewer->got.size() == 20);  // the upstream's cached GOP, through the relay's own cache
  CHECK(viewer->got.front().keyframe);
  up.gop(400 * ms, 5);
  CHECK(viewer->got.size() == 30);
  CHECK(up.hub->consumers().size() == 1);
  CHECK(up.hub->consumers()[0].kind == consumer_kind::relay);
  up.hub->close();
  CHECK(ended == 1);
}

#include "pipelines/mjpeg/mjpeg_fanout.hpp"

#include <gst/app/gstappsink.h>

#include <map>

#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/parse.hpp"

namespace sy {
namespace {

// The fanouts of the streams watched now, by hub: viewers of one stream share one.
std::mutex registry_mutex;
std::map<const track_hub*, std::weak_ptr<mjpeg_fanout>>& registry() {
  static std::map<const track_hub*, std::weak_ptr<mjpeg_fanout>> fanouts;
  return fanouts;
}

// The decode -> encode branch. appsrc is leaky (drops the oldest) so that a decoder
// that falls behind never holds the source.
constexpr const char* transcode_launch =
    "appsrc name=in format=time is-live=true leaky-type=downstream max-bytes=4194304 ! decodebin ! "
    "videoconvert ! video/x-raw,format=I420 ! jpegenc quality=75 ! "
    "appsink name=out sync=false max-buffers=2 drop=true emit-signals=true";

}  // namespace

// A camera's own JPEG track, straight from the hub (its calls come with the hub's lock held).
class mjpeg_fanout::passthrough_sink final : public hub_sink {
 public:
  passthrough_sink(mjpeg_fanout* owner, int track) : owner_(owner), track_(track) {}
  bool wants(int track) const override { return track == track_; }
  void set_caps(int, GstCaps*) override {}
  void push(int, GstBuffer* buffer) override { owner_->publish(buffer); }
  void end() override { owner_->finish(); }
  GstClockTime running_time(int) const override { return GST_CLOCK_TIME_NONE; }

 private:
  mjpeg_fanout* owner_;
  int track_;
};

std::shared_ptr<mjpeg_fanout> mjpeg_fanout::for_hub(const hub_ptr& hub, std::string& error) {
  std::lock_guard<std::mutex> lock{registry_mutex};
  auto& fanouts = registry();
  if (auto it = fanouts.find(hub.get()); it != fanouts.end())
    if (auto existing = it->second.lock()) return existing;
  auto names = hub->caps_names();
  int jpeg = -1, video = -1;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "image/jpeg" && jpeg < 0) jpeg = int(i);
    if (names[i].rfind("video/", 0) == 0 && video < 0) video = int(i);
  }
  if (jpeg < 0 && video < 0) {
    error = "the stream has no video track";
    return nullptr;
  }
  std::shared_ptr<mjpeg_fanout> self{new mjpeg_fanout};
  self->hub_ = hub;
  if (jpeg >= 0) {
    self->subscription_ = hub->subscribe(consumer_kind::mjpeg, std::make_shared<passthrough_sink>(self.get(), jpeg));
  } else if (!self->start_transcode(video, error)) {
    return nullptr;
  }
  if (!self->subscription_) {
    error = "stream is closing";
    return nullptr;
  }
  // Drop entries of fanouts that are gone, then register this one.
  for (auto it = fanouts.begin(); it != fanouts.end();) it = it->second.expired() ? fanouts.erase(it) : std::next(it);
  fanouts[hub.get()] = self;
  return self;
}

bool mjpeg_fanout::start_transcode(int track, std::string& error) {
  auto parsed = parse_launch(transcode_launch);
  if (!parsed.element) {
    error = "mjpeg: " + parsed.error;
    return false;
  }
  pipeline_ = parsed.element;
  auto* in = gst_bin_get_by_name(GST_BIN(pipeline_), "in");
  auto* out = gst_bin_get_by_name(GST_BIN(pipeline_), "out");
  g_signal_connect(out, "new-sample", G_CALLBACK(on_sample), this);
  g_signal_connect(out, "eos", G_CALLBACK(on_eos), this);
  gst_element_set_state(pipeline_, GST_STATE_PLAYING);
  std::vector<GstElement*> inputs(size_t(track) + 1, nullptr);
  inputs[size_t(track)] = in;
  subscription_ = hub_->subscribe(consumer_kind::mjpeg, make_appsrc_sink(inputs));
  gst_object_unref(in);
  gst_object_unref(out);
  return true;
}

mjpeg_fanout::~mjpeg_fanout() {
  if (subscription_) hub_->unsubscribe(subscription_);
  if (pipeline_) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);  // no callback runs after this
    gst_object_unref(pipeline_);
  }
  if (latest_) gst_buffer_unref(latest_);
}

GstFlowReturn mjpeg_fanout::on_sample(GstElement* sink, gpointer self) {
  auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink));
  if (!sample) return GST_FLOW_OK;
  if (auto* buffer = gst_sample_get_buffer(sample)) static_cast<mjpeg_fanout*>(self)->publish(gst_buffer_ref(buffer));
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

void mjpeg_fanout::on_eos(GstElement*, gpointer self) { static_cast<mjpeg_fanout*>(self)->finish(); }

void mjpeg_fanout::publish(GstBuffer* jpeg) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (latest_) gst_buffer_unref(latest_);
  latest_ = jpeg;
  ++seq_;
  changed_.notify_all();
}

void mjpeg_fanout::finish() {
  std::lock_guard<std::mutex> lock{mutex_};
  ended_ = true;
  changed_.notify_all();
}

bool mjpeg_fanout::next(uint64_t& seq, std::string& jpeg, std::chrono::milliseconds timeout) {
  GstBuffer* frame = nullptr;
  {
    std::unique_lock<std::mutex> lock{mutex_};
    changed_.wait_for(lock, timeout, [&] { return ended_ || (latest_ && seq_ != seq); });
    if (latest_ && seq_ != seq) {
      frame = gst_buffer_ref(latest_);
      seq = seq_;
    } else if (ended_) {
      return false;
    }
  }
  jpeg.clear();
  if (!frame) return true;
  GstMapInfo map;
  if (gst_buffer_map(frame, &map, GST_MAP_READ)) {
    jpeg.assign(reinterpret_cast<const char*>(map.data), map.size);
    gst_buffer_unmap(frame, &map);
  }
  gst_buffer_unref(frame);
  return true;
}

}  // namespace sy

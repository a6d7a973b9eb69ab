// inline_chain: a few GStreamer elements (launch text with one input and one output)
// run synchronously on the caller's thread, between two pads of ours: no pipeline,
// no queue, no task thread. What comes out is handed to callbacks before push()
// returns. Used for a stream's RTP packetizers and for the depayloaders of the
// native RTSP source. Not thread-safe: one caller at a time.
#pragma once

#include <gst/gst.h>

#include <functional>
#include <memory>
#include <string>

namespace sy {

class inline_chain {
 public:
  using caps_fn = std::function<void(GstCaps* caps)>;          // caps not owned
  using buffer_fn = std::function<void(GstBuffer* buffer)>;    // takes the reference

  /// nullptr when `launch` does not parse or link.
  static std::unique_ptr<inline_chain> make(const std::string& launch, caps_fn on_caps, buffer_fn on_buffer);
  ~inline_chain();
  inline_chain(const inline_chain&) = delete;
  inline_chain& operator=(const inline_chain&) = delete;

  /// New input caps; false if refused.
  bool set_caps(GstCaps* caps);
  /// One input buffer (the reference is taken).
  GstFlowReturn push(GstBuffer* buffer);
  /// The element named `name` in the launch text (a new reference), or nullptr.
  GstElement* element(const char* name) const;

 private:
  inline_chain() = default;
  static GstFlowReturn on_chain(GstPad* pad, GstObject* parent, GstBuffer* buffer);
  static GstFlowReturn on_chain_list(GstPad* pad, GstObject* parent, GstBufferList* list);
  static gboolean on_event(GstPad* pad, GstObject* parent, GstEvent* event);

  GstElement* bin_ = nullptr;
  GstPad* src_ = nullptr;   // ours, feeds the bin
  GstPad* sink_ = nullptr;  // ours, takes what the bin makes
  caps_fn on_caps_;
  buffer_fn on_buffer_;
};

}  // namespace sy

// source_pipeline: one attempt at running one source of a stream.
//
// Owns either the native RTSP reader (rtsp_reader.hpp: rtsp:// over TCP, the common
// camera) or a GstPipeline built from the source's launch text, plus the glue that
// turns each of its outputs into parsed tracks pushed into the stream's hub.
// Created by the stream actor. Destroying it sets the pipeline to NULL, which can
// block for seconds (rtspsrc's TEARDOWN): the stream actor destroys it on a
// detached actor. GStreamer threads report through `notify` only (bus sync handler,
// pad-added, appsink callbacks), with plain values; after destruction it is never
// called again.
#pragma once

#include <gst/gst.h>

#include <functional>
#include <memory>
#include <string>

#include "pipelines/hub/rtsp_reader.hpp"
#include "pipelines/hub/source_event.hpp"
#include "pipelines/hub/track_hub.hpp"

namespace sy {

class source_pipeline {
 public:
  struct glue;  // callback context shared with GStreamer threads
  /// Called on GStreamer threads: must not block or touch the owner's state.
  using notify_fn = source_notify_fn;

  /// Builds and starts the pipeline for `url`; on failure returns nullptr and sets
  /// `error`.
  static std::unique_ptr<source_pipeline> start(const std::string& url, hub_ptr hub, notify_fn notify,
                                                std::string& error);
  /// For a source that reads another stream in-process (ffmpeg:STREAM#...): its
  /// appsrc elements in_video / in_audio are fed from `upstream`'s first video and
  /// audio tracks until destruction.
  static std::unique_ptr<source_pipeline> start_fed(const std::string& url, const hub_ptr& upstream, hub_ptr hub,
                                                    notify_fn notify, std::string& error);
  /// For an element made elsewhere (a WHIP publisher's webrtcbin, named out0): wired
  /// and started like a source's pipeline (taking the caller's reference). Its
  /// outputs signal no no-more-pads: the tracks are ready once `expected_pads` pads
  /// have come and each has brought its first sample.
  static std::unique_ptr<source_pipeline> adopt(GstElement* element, hub_ptr hub, notify_fn notify,
                                                int expected_pads, std::string& error);
  ~source_pipeline();  // blocks until the pipeline is in NULL

  source_pipeline(const source_pipeline&) = delete;
  source_pipeline& operator=(const source_pipeline&) = delete;

 private:
  source_pipeline(GstElement* pipeline, std::shared_ptr<glue> g);
  explicit source_pipeline(std::unique_ptr<rtsp_reader> reader);
  // The launch-text pipeline for `url`, started; `feed` (after PLAYING) connects its
  // inputs, or fails with a reason.
  static std::unique_ptr<source_pipeline> build(const std::string& url, hub_ptr hub, notify_fn notify,
                                                std::string& error,
                                                const std::function<bool(GstElement*, std::string&)>& feed);
  static std::unique_ptr<source_pipeline> run(GstElement* element, hub_ptr hub, notify_fn notify, int expected_pads,
                                              std::string& error,
                                              const std::function<bool(GstElement*, std::string&)>& feed);
  GstElement* pipeline_ = nullptr;
  std::shared_ptr<glue> glue_;
  std::unique_ptr<rtsp_reader> reader_;
  hub_ptr upstream_;  // the hub start_fed reads, and its subscription
  uint64_t subscription_ = 0;
};

}  // namespace sy

// stream_pipeline: one attempt at running one source of a stream.
//
// Owns: a GstPipeline built from the source's launch text, plus the glue that
// turns each of its outputs into parsed tracks pushed into the stream's hub.
// Created and destroyed by the stream actor; destruction hands the pipeline to a
// detached one-shot actor, since setting a pipeline to NULL can block for seconds.
// GStreamer threads reach the owner only through anon_send of gst_event values,
// holding its address weakly (bus sync handler, pad-added, appsink callbacks).
#pragma once

#include <caf/all.hpp>
#include <gst/gst.h>

#include <memory>
#include <string>

#include "actors/protocol.hpp"

namespace sy {

class stream_pipeline {
 public:
  struct glue;  // callback context shared with GStreamer threads

  /// Builds and starts the pipeline for `url`; on failure returns nullptr and sets
  /// `error`. Events are sent to `owner` tagged with `generation`.
  static std::unique_ptr<stream_pipeline> start(caf::actor_system& sys, const std::string& url,
                                                hub_ptr hub, caf::actor_addr owner,
                                                uint64_t generation, std::string& error);
  ~stream_pipeline();  // tears down asynchronously

  stream_pipeline(const stream_pipeline&) = delete;
  stream_pipeline& operator=(const stream_pipeline&) = delete;

 private:
  stream_pipeline(caf::actor_system& sys, GstElement* pipeline, std::shared_ptr<glue> g);
  caf::actor_system& sys_;
  GstElement* pipeline_;
  std::shared_ptr<glue> glue_;
};

}  // namespace sy

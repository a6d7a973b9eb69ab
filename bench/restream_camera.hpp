// The camera of the restream benchmarks: a separate fake_camera process looping a
// pre-encoded 1280x720 25 fps H.264 clip (2 s GOP, ~2 Mbit/s), so that encoding
// costs nothing during the measurement.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/process.hpp"

namespace sy::bench {

struct restream_camera {
  std::unique_ptr<test::child_process> process;
  std::string url;  // empty when it could not start

  /// `pattern`: videotestsrc's; "snow" is incompressible noise (a busy camera),
  /// "scroll" the SMPTE bars moving 8 pixels a frame (each frame told apart once decoded).
  explicit restream_camera(const std::string& pattern = "snow") {
    using std::chrono::seconds;
    std::string clip = "/tmp/switchyard-bench-720p25" + (pattern == "snow" ? std::string() : "-" + pattern) + ".h264";
    std::vector<std::string> argv = {"gst-launch-1.0", "-q", "videotestsrc", "num-buffers=250", "pattern=snow", "!",
                                     "video/x-raw,width=1280,height=720,framerate=25/1"};
    if (pattern == "scroll")
      argv = {"gst-launch-1.0", "-q", "videotestsrc", "num-buffers=250", "pattern=smpte", "horizontal-speed=8", "!",
              "video/x-raw,format=I420,width=1280,height=720,framerate=25/1"};
    for (auto* a : {"!", "x264enc", "speed-preset=ultrafast", "tune=zerolatency", "key-int-max=50", "bitrate=2000", "!",
                    "video/x-h264,stream-format=byte-stream", "!", "filesink"})
      argv.push_back(a);
    argv.push_back("location=" + clip);
    if (test::run_process(argv, seconds(120)).first != 0) return;
    process = std::make_unique<test::child_process>(
        std::vector<std::string>{test::program_path("FAKE_CAMERA_BIN"), "--clip", clip, "--fps", "25"});
    auto port_line = process->wait_for("PORT ", seconds(20));
    if (!port_line.empty()) url = "rtsp://127.0.0.1:" + port_line.substr(5) + "/stream";
  }
};

}  // namespace sy::bench

// Real-client probes used by e2e tests: ffprobe/ffmpeg against RTSP URLs, and the
// size of a JPEG read from its SOF header.
#pragma once

#include <string>
#include <vector>

namespace sy::test {

struct probe_result {
  bool ok = false;
  std::string codec;
  int width = 0;
  int height = 0;
  std::string output;
};

/// ffprobe the first video stream of `url` (RTSP over `transport`).
probe_result ffprobe_video(const std::string& url, const std::string& transport = "tcp");

/// ffprobe's csv line(s) of `entries` (e.g. "stream=codec_name,sample_rate") for
/// `url` over RTSP/TCP; {exit code, output}.
std::pair<int, std::string> ffprobe_entries(const std::string& url, const std::string& entries);
/// {exit code, flags of the first video packet a new client gets ("K_" for a keyframe)}.
std::pair<int, std::string> first_video_packet_flags(const std::string& url, const std::string& transport);

/// ffprobe decodes every frame of `url_or_file` (any container): {exit code, one csv
/// line per stream: codec_name,width,height,nb_read_frames for video,
/// codec_name,sample_rate,nb_read_frames for audio}.
std::pair<int, std::string> ffprobe_count_streams(const std::string& url_or_file);

/// ffmpeg reads `seconds` of media from `url` (copy, no decode); returns the number
/// of video frames it counted, -1 if ffmpeg failed.
int ffmpeg_count_frames(const std::string& url, int seconds, const std::string& transport = "tcp",
                        int timeout_s = 60);

/// The last "frame=N" an ffmpeg run has printed so far (0 if none).
int frames_so_far(const std::string& ffmpeg_output);

/// The argv of an ffmpeg RTSP reader that copies the video to nowhere for `seconds`.
std::vector<std::string> ffmpeg_reader_argv(const std::string& url, int seconds, const std::string& transport = "tcp");

/// Width and height from a baseline/progressive JPEG's SOF marker ({0,0} if none).
std::pair<int, int> jpeg_size(const std::string& jpeg);

}  // namespace sy::test
